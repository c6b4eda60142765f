"""Background jobs of the laws: suggesting links between proposals and
regulations (loading the word segmenter alone takes seconds, so the demo queues
it rather than making the site wait)."""

from __future__ import annotations

from django.tasks import task


@task
def suggest_links(*, generated: bool | None = None) -> int:
    """Suggest links for every regulation among the public proposals (only the
    real ones with ``generated=False``); returns how many were suggested or
    refreshed."""
    from lianghui.proposals import visibility

    from .services import links_suggest

    proposals = visibility.public_proposals().filter(merged_into__isnull=True)
    if generated is not None:
        proposals = proposals.filter(generated=generated)
    return len(links_suggest(proposals=proposals))
