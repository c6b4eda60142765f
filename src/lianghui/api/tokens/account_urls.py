"""Mount with path("desk/tokens/", include("lianghui.api.tokens.account_urls")) before desk/."""

from django.urls import path

from lianghui.api.tokens import account

app_name = "api-account"

urlpatterns = [
    path("", account.tokens, name="tokens"),
    path("<int:token_id>/revoke/", account.revoke, name="revoke"),
]
