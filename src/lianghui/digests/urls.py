from django.urls import path

from . import views

app_name = "digests"

urlpatterns = [
    path("sessions/<slug:key>/highlights/", views.digest_page, name="digest"),
    path("sessions/<slug:key>/highlights.md", views.digest_markdown, name="markdown"),
    path("desk/office/highlights/<slug:key>/", views.digest_desk, name="desk"),
]
