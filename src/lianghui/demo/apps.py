from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "lianghui.demo"
    label = "demo"
