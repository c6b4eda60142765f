"""The search index: one row per searchable record, with its tokens and the
columns the filters and facets read. Rebuilt from the records at any time
(`lianghui search reindex`), kept current by the indexer on every change.

The full-text part lives outside Django's view of the table, created by the
migrations: on SQLite an FTS5 table over ``title_tokens``, ``text_tokens`` and
``filter_tokens`` (external content, kept in step by triggers); on PostgreSQL a
generated ``vector`` tsvector column ('simple' configuration; weights A, B and D
for the three) with a GIN index. Filters are index words too, so a filtered
search is one index lookup.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import DocType, TagFacet


class SearchDocument(models.Model):
    doc_type = models.CharField(max_length=20, choices=DocType.choices)
    object_id = models.BigIntegerField()
    parent_id = models.BigIntegerField(
        null=True, blank=True, help_text=_("For replies: the proposal answered.")
    )
    key = models.CharField(
        max_length=160, help_text=_("The record's key (for replies, the proposal's).")
    )
    title_zh = models.CharField(max_length=500, blank=True)
    title_en = models.CharField(max_length=500, blank=True)
    context_zh = models.CharField(
        max_length=300, blank=True, help_text=_("A line under the title: proposer, agency...")
    )
    context_en = models.CharField(max_length=300, blank=True)
    text_zh = models.TextField(blank=True, help_text=_("The start of the text, for snippets."))
    text_en = models.TextField(blank=True)
    title_tokens = models.TextField(blank=True)
    text_tokens = models.TextField(blank=True)
    filter_tokens = models.TextField(
        blank=True, help_text=_("Every filter value as an index word (see filtertokens.py).")
    )
    pair_tokens = models.TextField(
        blank=True,
        help_text=_("PostgreSQL: a word for each two tokens side by side, for phrases."),
    )
    # Filter columns (single-valued); multi-valued ones are SearchTags.
    body = models.CharField(max_length=60, blank=True)
    session = models.CharField(max_length=60, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    proposal_kind = models.CharField(max_length=60, blank=True)
    status = models.CharField(
        max_length=20, blank=True, help_text=_("A proposal's status or a regulation's stage.")
    )
    is_key = models.BooleanField(default=False)
    generated = models.BooleanField(default=False)
    date = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["doc_type", "object_id"], name="one_document_per_record"
            )
        ]
        indexes = [
            models.Index(fields=["parent_id"]),
            models.Index(fields=["date", "id"]),
        ]

    def __str__(self) -> str:
        return f"{self.doc_type}:{self.key}"


class SearchTag(models.Model):
    """One value of a multi-valued filter (topic, agency, member...) of a document."""

    document = models.ForeignKey(
        SearchDocument, on_delete=models.DB_CASCADE, related_name="tags", db_index=False
    )
    facet = models.CharField(max_length=10, choices=TagFacet.choices)
    value = models.CharField(max_length=160)

    class Meta:
        indexes = [
            models.Index(fields=["facet", "value", "document"]),
            models.Index(fields=["document", "facet", "value"]),
        ]

    def __str__(self) -> str:
        return f"{self.facet}={self.value}"


class SimilarList(models.Model):
    """A published proposal's similar proposals (similar.py), found by the worker
    when the proposal changes, so its page reads them instead of searching the
    index on every view. The page shows only those of them the public may see
    when it is viewed; proposals published after the list was made join it when
    the proposal changes again (or `lianghui search similar`)."""

    proposal_id = models.BigIntegerField(unique=True)
    items = models.JSONField(
        default=list,
        help_text=_("[proposal id, [shared words]] pairs, best first."),
    )
    made_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"similar to proposal {self.proposal_id}"


class DocumentVector(models.Model):
    """A record's sentence embedding (search/semantic.py), one per record and model.

    Keyed by the record, not by the index row: documents are written afresh on
    every change, the vector only when the embedded text changed (``digest``).
    """

    doc_type = models.CharField(max_length=20, choices=DocType.choices)
    object_id = models.BigIntegerField()
    model = models.CharField(max_length=60, help_text=_("The embedding model's name."))
    digest = models.CharField(max_length=32, help_text=_("A hash of the text embedded."))
    language = models.CharField(
        max_length=8, blank=True, help_text=_("The language of the text embedded: zh or en.")
    )
    vector = models.BinaryField(help_text=_("float16, the model's dimension."))
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["model", "doc_type", "object_id"], name="one_vector_per_record_and_model"
            )
        ]

    def __str__(self) -> str:
        return f"{self.model}:{self.doc_type}:{self.object_id}"
