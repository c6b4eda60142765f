from django.urls import path

from . import views

app_name = "following"

urlpatterns = [
    path("", views.home, name="home"),
    path("follow/<slug:target>/", views.follow, name="follow"),
    path("unfollow/<slug:target>/", views.unfollow, name="unfollow"),
    path("digest/", views.digest, name="digest"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
