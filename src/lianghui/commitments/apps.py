from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "lianghui.commitments"
    label = "commitments"
    verbose_name = "Commitments in replies"

    def ready(self) -> None:
        # Replies published, edited or withdrawn reach the extractor through the
        # change stream, whatever wrote them (services, the admin, imports).
        from lianghui.proposals import stamps

        from .tasks import connect

        connect()
        # Commitments show on the commitments list, the API and agency pages, not on
        # a proposal's: an extraction after each reply leaves proposal pages cached.
        stamps.not_on_proposal_views("commitments.Commitment")
