from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lianghui.core"
    label = "core"

    def ready(self) -> None:
        from . import events, versioning

        events.subscribe(events.ANY, versioning.bump)
        events.connect_signals()
