from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "lianghui.consultations"
    label = "consultations"

    def ready(self) -> None:
        # What this app puts in the search index (see search/registry.py).
        from .search_documents import register_documents

        register_documents()
