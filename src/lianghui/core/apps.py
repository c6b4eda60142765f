from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lianghui.core"
    label = "core"
