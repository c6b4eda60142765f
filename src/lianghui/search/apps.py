from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "lianghui.search"
    label = "search"

    def ready(self) -> None:
        from .tasks import connect

        connect()
