from django.apps import AppConfig


class LawsConfig(AppConfig):
    name = "lianghui.laws"
    label = "laws"

    def ready(self) -> None:
        # What this app puts in the search index (see search/registry.py).
        from .search_documents import register_documents

        register_documents()

        from django.db.models.signals import m2m_changed, post_delete

        from .models import ProposalLink, Regulation
        from .services import link_deleted, related_changed

        m2m_changed.connect(
            related_changed,
            sender=Regulation.related_proposals.through,
            dispatch_uid="laws-related-proposals-links",
        )
        post_delete.connect(link_deleted, sender=ProposalLink, dispatch_uid="laws-link-deleted")
