"""Mount with path("api/v1/me/notifications/", include(...)) before api/v1/me/."""

from django.urls import path

from . import api

app_name = "api-notifications"

urlpatterns = [
    path("", api.NotificationsView.as_view(), name="list"),
    path("read/", api.ReadView.as_view(), name="read"),
]
