"""What the index holds, declared by the apps that own the records.

Each app registers its searchable record types in its AppConfig.ready():

    from lianghui.search.registry import DocumentType, register
    register(DocumentType(key="regulation", label=_("Regulation"), model="laws.Regulation",
                          build=regulation_documents, url=regulation_url, ...))

A DocumentType says how to build the documents of a batch of records (``build``:
ids -> Doc, a fixed number of queries per batch), where a hit links to (``url``),
what it is called (``label``, translated), which records the public may see
(``public``, from the visibility policy in proposals/visibility.py; None: every
record), the labels of its ``status`` values, and which fields `verify` compares.
The search app reads only this registry: indexing, the change stream's
subscriptions, the type facet, hits' links and labels, and the check against the
visibility policy all follow it, so a new record type plugs in without edits
to the search app.

A type may be built by another's builder (``built_by``): a proposal's replies are
written with the proposal, and dropped with it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Model, QuerySet


@dataclass
class Doc:
    """One document to write: SearchDocument's fields, and its multi-valued
    filters as (filter name, value) tags."""

    fields: dict
    tags: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class DocumentType:
    key: str  # SearchDocument.doc_type, and the value of the "type" filter
    label: object  # a lazy translation: the type's name on hits and in the facet
    model: str  # "app_label.ModelName": the change stream's label for its records
    url: Callable[[object], str]  # the hit's link, from its SearchDocument
    build: Callable[[list[int]], Iterable[Doc]] | None = None  # None: see built_by
    built_by: str = ""  # the key of the type whose builder writes these documents
    parent_field: str = ""  # with built_by: the record's field holding its parent's id
    public: Callable[[], QuerySet] | None = None  # the policy's public records; None: all
    statuses: dict[str, object] = field(default_factory=dict)  # status value -> label
    # (document field, record field) pairs `verify` compares; the first is the key.
    compared: tuple[tuple[str, str], ...] = (("key", "key"),)
    order: int = 100  # position among the types (indexing, the type facet)

    def model_class(self) -> type[Model]:
        return apps.get_model(self.model)

    def public_records(self) -> QuerySet:
        return self.public() if self.public else self.model_class()._default_manager.all()


_types: dict[str, DocumentType] = {}


def register(doc_type: DocumentType) -> DocumentType:
    """Add (or replace, when an app is reloaded) a document type."""
    _types[doc_type.key] = doc_type
    return doc_type


def unregister(key: str) -> None:
    _types.pop(key, None)


def types() -> list[DocumentType]:
    return sorted(_types.values(), key=lambda t: (t.order, t.key))


def get(key: str) -> DocumentType | None:
    return _types.get(key)


def built() -> list[DocumentType]:
    """The types with a builder of their own (what a rebuild walks)."""
    return [t for t in types() if t.build]


def by_model(model: str) -> DocumentType | None:
    """The type whose records' changes rebuild documents, by model label."""
    return next((t for t in built() if t.model == model), None)


def children(parent: DocumentType) -> list[DocumentType]:
    return [t for t in types() if t.built_by == parent.key]


def type_label(key: str) -> str:
    t = _types.get(key)
    return str(t.label) if t else key


def status_label(key: str, status: str) -> str:
    t = _types.get(key)
    return str(t.statuses.get(status, "")) if t else ""


def status_choices() -> dict[str, str]:
    """Every type's status values with their labels (the status filter's options)."""
    out: dict[str, object] = {}
    for t in types():
        for value, label in t.statuses.items():
            out.setdefault(value, label)
    return out


SNIPPET_SOURCE = 1000  # characters of text kept for snippets


def snip(text: str) -> str:
    """The start of a text, kept in the document for snippets."""
    return (text or "")[:SNIPPET_SOURCE]


def join_text(*parts: str) -> str:
    return "\n".join(p for p in parts if p)


def chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
