from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "lianghui.people"
    label = "people"

    def ready(self) -> None:
        # What this app puts in the search index (see search/registry.py).
        from .search_documents import register_documents

        register_documents()
