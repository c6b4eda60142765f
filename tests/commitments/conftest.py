import datetime as dt

import pytest

from lianghui.commitments import services
from lianghui.exchange.importer import import_files
from lianghui.proposals import services as proposal_services
from lianghui.proposals.models import Assignment
from tests.conftest import FIXTURES
from tests.factories import ProposalFactory


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Writes inside run their after-commit work (the change stream's delivery,
    which reads replies for commitments), as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def small_world(db, committed):
    """The small world, imported as a commit: the change stream flushes what a
    transaction reported only when it commits, so every later write must come
    after a real (here: captured) commit to be delivered."""
    from lianghui.commitments.tasks import connect

    connect()  # another test may have cleared core.events' subscribers
    with committed():
        return import_files([str(FIXTURES / "small_world.jsonl")])


@pytest.fixture
def promises(small_world, committed):
    """Three proposals of the small world answered with a promise due by the end
    of 2022, read on 2 January 2023 (lapsed); the third reply is not published."""
    rows = []
    for n in range(3):
        with committed():
            p = ProposalFactory(status="assigned")
        a = Assignment.objects.get(proposal=p, active=True)
        with committed():
            proposal_services.reply_create(
                assignment=a,
                category="B",
                on=dt.date(2022, 5, 1),
                text_zh=f"下一步，我部将加快修订第{n}号办法，力争2022年底前出台。",
                published=n < 2,
            )
        rows.append(p)
    services.commitments_refresh(today=dt.date(2023, 1, 2))
    return rows
