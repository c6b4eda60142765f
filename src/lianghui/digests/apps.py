from django.apps import AppConfig


class DigestsConfig(AppConfig):
    name = "lianghui.digests"
    label = "digests"
    verbose_name = "Session digests"

    def ready(self) -> None:
        from lianghui.proposals import stamps

        # The highlights page lists proposals; no proposal's page shows it.
        stamps.not_on_proposal_views("digests.Digest")
