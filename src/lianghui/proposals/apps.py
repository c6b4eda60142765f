from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "lianghui.proposals"
    label = "proposals"

    def ready(self) -> None:
        from . import stamps

        stamps.connect()
