from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "lianghui.search"
    label = "search"

    def ready(self) -> None:
        from .algorithms import register_search
        from .tasks import connect

        connect()
        register_search()
