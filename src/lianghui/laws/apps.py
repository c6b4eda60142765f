from django.apps import AppConfig


class LawsConfig(AppConfig):
    name = "lianghui.laws"
    label = "laws"

    def ready(self) -> None:
        # What this app puts in the search index (see search/registry.py).
        from .search_documents import register_documents

        register_documents()
