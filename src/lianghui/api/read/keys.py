"""Stable keys for the parts of a proposal that have none of their own.

An assignment is ``<proposal key>.a<i>`` and a reply ``<proposal key>.a<i>.r<j>``:
the positions (from 0, in the order they were recorded) of the assignment in
the proposal's record and of the reply in its assignment's, the same positions
as ``assignments[i].replies[j]`` in the JSON Lines export. Counting includes
records the caller may not see, so a key never changes with who asks.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import ObjectDoesNotExist

from lianghui.proposals.models import Assignment, Reply

PART_KEY = re.compile(
    r"^(?P<proposal>[A-Za-z0-9][A-Za-z0-9_-]*)\.a(?P<a>\d{1,4})(?:\.r(?P<r>\d{1,4}))?$"
)


class NoSuchKey(ObjectDoesNotExist):
    pass


class Positions:
    """Positions of the assignments and replies of some proposals (two queries)."""

    def __init__(self, proposal_ids: Iterable[int]):
        ids = list(set(proposal_ids))
        self.assignment: dict[int, int] = {}
        self.reply: dict[int, int] = {}
        if not ids:
            return
        counter: dict[int, int] = defaultdict(int)
        rows = Assignment.objects.filter(proposal_id__in=ids).order_by("proposal_id", "id")
        for pk, proposal_id in rows.values_list("id", "proposal_id"):
            self.assignment[pk] = counter[proposal_id]
            counter[proposal_id] += 1
        counter.clear()
        rows = Reply.objects.filter(assignment__proposal_id__in=ids).order_by("assignment_id", "id")
        for pk, assignment_id in rows.values_list("id", "assignment_id"):
            self.reply[pk] = counter[assignment_id]
            counter[assignment_id] += 1

    @classmethod
    def of_one(cls, proposal) -> Positions:
        """Of one proposal as ``proposals.selectors.proposal_detail`` reads it: all its
        assignments, and replies that carry their ``position``. No query."""
        self = cls(())
        assignments = sorted(a.pk for a in proposal.assignments.all())
        self.assignment = {pk: i for i, pk in enumerate(assignments)}
        self.reply = {r.pk: r.position for a in proposal.assignments.all() for r in a.replies.all()}
        return self

    def assignment_key(self, proposal_key: str, assignment_id: int) -> str:
        return f"{proposal_key}.a{self.assignment[assignment_id]}"

    def reply_key(self, proposal_key: str, assignment_id: int, reply_id: int) -> str:
        return f"{self.assignment_key(proposal_key, assignment_id)}.r{self.reply[reply_id]}"


def parse(key: str) -> tuple[str, int, int | None]:
    match = PART_KEY.match(key or "")
    if not match:
        raise NoSuchKey(key)
    r = match["r"]
    return match["proposal"], int(match["a"]), int(r) if r is not None else None


def nth_assignment(proposals, key: str) -> Assignment:
    """The assignment with this key among ``proposals`` (a queryset the caller may see)."""
    proposal_key, a, _r = parse(key)
    proposal = proposals.get(key=proposal_key)
    found = list(
        Assignment.objects.filter(proposal=proposal)
        .select_related("agency", "proposal__session__body", "proposal__kind")
        .order_by("id")[a : a + 1]
    )
    if not found:
        raise NoSuchKey(key)
    return found[0]


def nth_reply_id(proposals, key: str) -> int:
    proposal_key, a, r = parse(key)
    if r is None:
        raise NoSuchKey(key)
    assignment = nth_assignment(proposals, f"{proposal_key}.a{a}")
    found = list(Reply.objects.filter(assignment=assignment).order_by("id")[r : r + 1])
    if not found:
        raise NoSuchKey(key)
    return found[0].pk
