"""Where the database's vocabularies meet: sectors → topics, keyword scheme → topics.

The mapping is data (``data/vocabulary_map.json``, or the file named by the
setting ``LIANGHUI_INSIGHTS_VOCABULARY``) so that another body can bring its own
sectors and topics without touching code. It is read once per process and
again whenever the file changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

__all__ = ["VocabularyMap", "vocabulary_map"]


@dataclass(frozen=True)
class VocabularyMap:
    sector_topics: dict[str, tuple[str, ...]] = field(default_factory=dict)
    scheme_topics: dict[str, tuple[str, ...]] = field(default_factory=dict)
    topic_keywords: dict[str, tuple[str, ...]] = field(default_factory=dict)
    version: str = ""

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

    def table(name: str) -> dict[str, tuple[str, ...]]:
        value = data.get(name, {})
        if not isinstance(value, dict) or not all(isinstance(v, list) for v in value.values()):
            raise ValueError(f"{origin}: {name} must map names to lists")
        return {str(k): tuple(str(x) for x in v) for k, v in value.items()}

    return VocabularyMap(
        sector_topics=table("sector_topics"),
        scheme_topics=table("scheme_topics"),
        topic_keywords=table("topic_keywords"),
        version=f"{Path(origin).name}@{data.get('version', 1)}",
    )


def vocabulary_map() -> VocabularyMap:
    """The mapping in force (cached; a changed file is read again)."""
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
