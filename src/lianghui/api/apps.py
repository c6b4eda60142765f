from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "lianghui.api"
    label = "api"
