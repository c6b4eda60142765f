from django.apps import AppConfig


class LawsConfig(AppConfig):
    name = "lianghui.laws"
    label = "laws"
