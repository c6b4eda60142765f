"""Mount with path("desk/tokens/", include("lianghui.api.account_urls")) before desk/."""

from django.urls import path

from . import account

app_name = "api-account"

urlpatterns = [
    path("", account.tokens, name="tokens"),
    path("<int:token_id>/revoke/", account.revoke, name="revoke"),
]
