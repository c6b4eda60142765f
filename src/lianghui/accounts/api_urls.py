"""Mount with path("api/v1/me/", include("lianghui.accounts.api_urls")) before api/v1/."""

from django.urls import path

from . import api

app_name = "api-me"

urlpatterns = [
    path("", api.MeView.as_view(), name="me"),
    path("archive/", api.ArchiveView.as_view(), name="archive"),
    path("mail/", api.MailView.as_view(), name="mail"),
    path("erase/", api.EraseView.as_view(), name="erase"),
]
