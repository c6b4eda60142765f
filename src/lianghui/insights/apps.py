from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "lianghui.insights"
    label = "insights"
