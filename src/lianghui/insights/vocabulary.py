"""Where the database's vocabularies meet: sectors → topics, keyword scheme → topics.

The mapping is data (``data/vocabulary_map.json``, or the file named by the
setting ``LIANGHUI_INSIGHTS_VOCABULARY``) so that another body can bring its own
sectors and topics without touching code. It is read once per process and
again whenever the file changes.

The map is per body: its top-level tables are the default, and a body listed
under ``bodies`` (by key) has its own tables instead, each table it gives
replacing the default's. Either way a body's map only ever names the body's own
topics (``vocabulary_map(body, topics=...)`` keeps those), so one body's interest
flags and keyword seeds never reach another's topics.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

__all__ = ["VocabularyMap", "vocabulary_map"]


TABLES = ("sector_topics", "scheme_topics", "topic_keywords")


@dataclass(frozen=True)
class VocabularyMap:
    sector_topics: dict[str, tuple[str, ...]] = field(default_factory=dict)
    scheme_topics: dict[str, tuple[str, ...]] = field(default_factory=dict)
    topic_keywords: dict[str, tuple[str, ...]] = field(default_factory=dict)
    version: str = ""
    bodies: dict[str, dict[str, dict[str, tuple[str, ...]]]] = field(default_factory=dict)

    def for_body(self, body: str | None, topics=None) -> VocabularyMap:
        """The body's map: its own tables where it has them, else the default's;
        with ``topics`` (keys), narrowed to those topics."""
        own = self.bodies.get(body or "", {})
        tables = {name: own.get(name, getattr(self, name)) for name in TABLES}
        if topics is not None:
            keep = set(topics)
            tables["sector_topics"] = {
                k: tuple(t for t in v if t in keep) for k, v in tables["sector_topics"].items()
            }
            tables["scheme_topics"] = {
                k: tuple(t for t in v if t in keep) for k, v in tables["scheme_topics"].items()
            }
            tables["topic_keywords"] = {
                k: v for k, v in tables["topic_keywords"].items() if k in keep
            }
        return VocabularyMap(**tables, version=f"{self.version}:{body or ''}")

    def topics_of_sector(self, sector: str) -> tuple[str, ...]:
        return self.sector_topics.get(sector, ())

    def sectors_of_topics(self, topic_keys) -> set[str]:
        keys = set(topic_keys)
        return {s for s, topics in self.sector_topics.items() if keys.intersection(topics)}


def _path() -> Path | None:
    try:
        from django.conf import settings

        configured = getattr(settings, "LIANGHUI_INSIGHTS_VOCABULARY", "")
    except Exception:  # pragma: no cover - used without Django settings
        configured = ""
    return Path(configured) if configured else None


_cache: dict[tuple, VocabularyMap] = {}


def _parse(raw: str, origin: str) -> VocabularyMap:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{origin}: not valid JSON ({exc})") from None

    def table(section: dict, name: str, where: str = "") -> dict[str, tuple[str, ...]]:
        value = section.get(name, {})
        if not isinstance(value, dict) or not all(isinstance(v, list) for v in value.values()):
            raise ValueError(f"{origin}: {where}{name} must map names to lists")
        return {str(k): tuple(str(x) for x in v) for k, v in value.items()}

    bodies = data.get("bodies", {})
    if not isinstance(bodies, dict) or not all(isinstance(v, dict) for v in bodies.values()):
        raise ValueError(f"{origin}: bodies must map body keys to tables")
    return VocabularyMap(
        **{name: table(data, name) for name in TABLES},
        version=f"{Path(origin).name}@{data.get('version', 1)}",
        bodies={
            str(key): {
                name: table(section, name, f"bodies.{key}.") for name in TABLES if name in section
            }
            for key, section in bodies.items()
        },
    )


def vocabulary_map(body: str | None = None, *, topics=None) -> VocabularyMap:
    """The mapping in force (cached; a changed file is read again); with ``body``
    (a key), that body's, narrowed to ``topics`` (keys) when given."""
    whole = _whole()
    return whole if body is None and topics is None else whole.for_body(body, topics)


def _whole() -> VocabularyMap:
    path = _path()
    if path is None:
        key: tuple = ("shipped",)
        if key not in _cache:
            raw = (
                resources.files("lianghui.insights")
                .joinpath("data", "vocabulary_map.json")
                .read_text(encoding="utf-8")
            )
            _cache[key] = _parse(raw, "vocabulary_map.json")
        return _cache[key]
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _cache:
        _cache.clear()
        _cache[key] = _parse(path.read_text(encoding="utf-8"), str(path))
    return _cache[key]
