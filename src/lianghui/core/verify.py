"""Drift between the records and the copies derived from them.

Each derived store (the search index, the similar-proposal lists, the stored API
documents, the bulk dumps) registers a check, which lists what differs from the
records, and a repair, which makes the listed records current again. `lianghui
verify` runs them all. A store that follows the change stream shows no drift
once the worker has delivered the pending changes; what a check finds is a bug
or a lost change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Drift:
    channel: str  # "search", "api-documents", "dumps"...
    record: str  # "proposals.Proposal:12 (p-key)", or a dump's name
    problem: str  # "missing", "extra: not public", "stale: status"...
    # What the repair needs to know (a label and id, a dump's name).
    target: tuple = ()

    def __str__(self) -> str:
        return f"{self.channel:<14} {self.record:<48} {self.problem}"


@dataclass(frozen=True)
class Channel:
    name: str
    check: Callable[[], list[Drift]]
    repair: Callable[[list[Drift]], int]


CHANNELS: dict[str, Channel] = {}


def register(
    name: str, check: Callable[[], list[Drift]], repair: Callable[[list[Drift]], int]
) -> None:
    CHANNELS[name] = Channel(name, check, repair)


def run(names: Iterable[str] | None = None) -> dict[str, list[Drift]]:
    wanted = list(names) if names else list(CHANNELS)
    return {name: sorted(CHANNELS[name].check()) for name in wanted}


def repair(found: dict[str, list[Drift]]) -> dict[str, int]:
    from . import versioning

    done = {name: CHANNELS[name].repair(drifts) for name, drifts in found.items() if drifts}
    if done:
        versioning.bump()
    return done
