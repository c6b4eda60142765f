"""What both engines share: the filters as index words, the date range as
conditions, and the memo of slowly changing figures (document counts, the
planner's word statistics)."""

from __future__ import annotations

import time
from collections.abc import Callable

from lianghui.search import filtertokens
from lianghui.search.filters import SearchFilters
from lianghui.search.models import SearchDocument

DOC = SearchDocument._meta.db_table

PER_PAGE = 20
MAX_PAGES = 100  # deep pages cost more than anyone reads; narrow the search instead
# Results counted exactly up to here (beyond: "2,000+"): as many as can be paged
# through. Counting, ranking and facet-counting cost grow with it.
CAP = PER_PAGE * MAX_PAGES


def filter_tokens(f: SearchFilters) -> list[str]:
    return [
        filtertokens.token(name, getattr(f, name))
        for name in filtertokens.NAMES
        if getattr(f, name) not in ("", None)
    ]


def date_conds(f: SearchFilters) -> tuple[list[str], list]:
    conds, params = [], []
    if f.since:
        conds.append("d.date >= %s")
        params.append(f.since)
    if f.until:
        conds.append("d.date < %s")
        params.append(f.until)
    return conds, params


def bunched(f: SearchFilters) -> bool:
    """Filters tied to dates (a year, a session, a range) bunch the matches in a
    few years, where a walk down the newest rows reaches them late."""
    return bool(f.year or f.session or f.since or f.until)


def where(conds: list[str]) -> str:
    return (" WHERE " + " AND ".join(conds)) if conds else ""


_planner_figures: dict[str, object] = {}
_planner_figures_until = [0.0]
PLANNER_FIGURES_KEPT = 50_000  # then all are read afresh (a few MB at most)
_UNKNOWN = object()


def planner_figure(name: str, read: Callable[[], object]) -> object:
    """``read()``, a figure from the planner's statistics (or another that changes as
    slowly), kept per process for ten minutes (statistics change only with
    ANALYZE): a search asks for each once at most."""
    return planner_figures_for([name], lambda names: {names[0]: read()})[name]


def planner_figures_for(
    names: list[str], read: Callable[[list[str]], dict[str, object]]
) -> dict[str, object]:
    """The figures named, those not kept yet read together by ``read(missing)``."""
    now = time.monotonic()
    if now > _planner_figures_until[0] or len(_planner_figures) > PLANNER_FIGURES_KEPT:
        _planner_figures.clear()
        _planner_figures_until[0] = now + 600
    # Read into a dict of its own: another thread may clear the memo meanwhile.
    kept = {n: _planner_figures.get(n, _UNKNOWN) for n in names}
    found = {n: v for n, v in kept.items() if v is not _UNKNOWN}
    missing = [n for n in names if n not in found]
    if missing:
        fresh = read(missing)
        _planner_figures.update(fresh)
        found.update(fresh)
    return found


def forget_planner_figures() -> None:
    """After a rebuild (and its ANALYZE): read the figures afresh."""
    _planner_figures.clear()
