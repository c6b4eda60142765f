from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "lianghui.portal"
    label = "portal"

    def ready(self) -> None:
        from lianghui.core import events

        from .caching import on_records_changed

        events.subscribe_labels(on_records_changed)
