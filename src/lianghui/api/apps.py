from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "lianghui.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        # schema registers the OpenAPI extensions on import.
        from . import schema, tasks  # noqa: F401

        tasks.connect()
