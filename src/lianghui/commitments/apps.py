from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "lianghui.commitments"
    label = "commitments"
    verbose_name = "Commitments in replies"

    def ready(self) -> None:
        # Replies published, edited or withdrawn reach the extractor through the
        # change stream, whatever wrote them (services, the admin, imports).
        from .tasks import connect

        connect()
