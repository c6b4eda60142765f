from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "lianghui.insights"
    label = "insights"

    def ready(self) -> None:
        from .algorithms import register_insights

        register_insights()
