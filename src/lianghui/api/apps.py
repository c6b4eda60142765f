from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "lianghui.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from lianghui.core import events

        from . import schema  # noqa: F401  (registers OpenAPI extensions)
        from .tasks import on_proposals_changed

        events.subscribe("proposals.Proposal", on_proposals_changed)
