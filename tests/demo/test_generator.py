"""The generator drives each proposal through the workflow services, so a generated
history is the one a desk would leave."""

import pytest
from django.core.management import call_command

from lianghui.core import audit
from lianghui.proposals.models import Proposal

pytestmark = pytest.mark.django_db


def test_generated_reviews_leave_the_trail_of_the_desks_review():
    call_command(
        "demo", sessions=1, per_session=60, last_year=2021, seed=4, verbosity=0, no_train=True
    )
    reviewed = 0
    # (A withdrawn proposal may have left before any review.)
    done = ["draft", "submitted", "withdrawn"]
    for p in Proposal.objects.filter(generated=True).exclude(status__in=done):
        steps = [
            e.action
            for e in audit.history(p).order_by("id")
            if e.action.startswith("status:") and e.field == "status"
        ]
        assert steps[:2] == ["status:submitted", "status:under_review"], (p.key, steps)
        if p.status != "under_review":
            assert hasattr(p, "review"), p.key
            assert steps[2] == f"status:{p.review.decision}", (p.key, steps)
            reviewed += 1
    assert reviewed > 10
