from django.apps import AppConfig


class FollowingConfig(AppConfig):
    name = "lianghui.following"
    label = "following"
