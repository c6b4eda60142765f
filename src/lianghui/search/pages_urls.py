from django.urls import path

from . import pages

app_name = "watch"

urlpatterns = [
    path("topics/<slug:key>/", pages.topic_page, name="topic"),
]
