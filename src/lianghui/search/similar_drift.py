"""Drift of the stored similar-proposal lists (`SimilarList`) from the records.

The lists follow the change stream (search/tasks.refresh_similar); what the
visibility policy lets the public see decides what a list may be about and
what it may name. A list is drift when:

- a proposal the public sees has none ("missing"; the page searches the index
  per view meanwhile);
- it belongs to a proposal the public no longer sees, or that is gone
  ("extra: not public", "extra: deleted");
- it names proposals the public no longer sees (unpublished, not filed, merged
  away, deleted: whatever the policy says), "stale: names N not public": the
  page leaves them out when it is viewed, but the list is short of them;
- it was made before its proposal last changed ("stale: older than the
  proposal").

The repair makes the lists of those proposals again, which drops the lists of
proposals that are not public. It runs after the search index's repair (its
channel is registered after it): lists are found in the index.
"""

from __future__ import annotations

from . import registry
from .enums import DocType
from .models import SimilarList

CHANNEL = "similar"
READ_BATCH = 2000


def _proposals():
    return registry.get(DocType.PROPOSAL)


def drift():
    from lianghui.core.verify import Drift

    t = _proposals()
    label = t.model
    public = {
        pk: (key, changed)
        for pk, key, changed in t.public_records().values_list("id", "key", "updated_at")
    }
    found: list[Drift] = []
    listed: set[int] = set()
    not_public: dict[int, str] = {}  # proposal id -> "extra: ..." (keys read below)
    rows = SimilarList.objects.order_by("proposal_id").values_list(
        "proposal_id", "items", "made_at"
    )
    for pk, items, made_at in rows.iterator(chunk_size=READ_BATCH):
        listed.add(pk)
        if pk not in public:
            not_public[pk] = ""
            continue
        key, changed = public[pk]
        record = f"{label}:{pk} ({key})"
        hidden = sorted({item[0] for item in items} - public.keys())
        if hidden:
            found.append(Drift(CHANNEL, record, f"stale: names {len(hidden)} not public", (pk,)))
        elif made_at < changed:
            found.append(Drift(CHANNEL, record, "stale: older than the proposal", (pk,)))
    for pk in sorted(public.keys() - listed):
        found.append(Drift(CHANNEL, f"{label}:{pk} ({public[pk][0]})", "missing", (pk,)))
    if not_public:
        keys = dict(
            t.model_class()
            ._default_manager.filter(id__in=list(not_public))
            .values_list("id", "key")
        )
        for pk in sorted(not_public):
            why = "extra: not public" if pk in keys else "extra: deleted"
            found.append(Drift(CHANNEL, f"{label}:{pk} ({keys.get(pk, '-')})", why, (pk,)))
    return found


def repair(drifts) -> int:
    """Make the drifted lists again (a proposal no longer public loses its list);
    returns how many proposals' lists were made or dropped."""
    from .registry import chunks
    from .similar import REFRESH_BATCH, refresh

    ids = sorted({d.target[0] for d in drifts})
    for chunk in chunks(ids, REFRESH_BATCH * 4):
        refresh(ids=chunk, neighbours=False)
    return len(ids)
