from django.apps import AppConfig


class DesksConfig(AppConfig):
    name = "lianghui.desks"
    label = "desks"
