from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "lianghui.proposals"
    label = "proposals"

    def ready(self) -> None:
        from . import stamps, vocabulary

        stamps.connect()
        vocabulary.connect()

        # What this app puts in the search index (see search/registry.py).
        from .search_documents import register_documents

        register_documents()
