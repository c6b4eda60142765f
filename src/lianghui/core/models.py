"""Base models shared by every app: timestamps, sources and citations."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    ZH_HANS = "zh-hans", _("Chinese")
    EN = "en", _("English")


class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Bilingual:
    """Pick the zh or en variant of a field for the active language, falling back
    to the other one, so a record known in one language still shows."""

    def localized(self, field: str) -> str:
        zh, en = getattr(self, f"{field}_zh", ""), getattr(self, f"{field}_en", "")
        if (get_language() or "en").startswith("zh"):
            return zh or en
        return en or zh

    def alternate(self, field: str) -> str:
        """The other language's variant, when it exists and differs."""
        shown = self.localized(field)
        zh, en = getattr(self, f"{field}_zh", ""), getattr(self, f"{field}_en", "")
        other = en if shown == zh else zh
        return other if other and other != shown else ""


class Source(TimeStamped):
    """A document that facts came from."""

    key = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=500)
    publisher = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=500, blank=True)
    published_on = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=8, choices=Language.choices, default=Language.EN)
    file = models.CharField(max_length=200, blank=True, help_text=_("Name of a local copy."))
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.title

    @property
    def local_copy(self):
        """The served local copy's path, or None when this site holds none."""
        from django.conf import settings

        if not self.file or "/" in self.file or "\\" in self.file:
            return None
        path = settings.LIANGHUI_SOURCE_COPIES / self.file
        return path if path.is_file() else None


class Citation(Bilingual, models.Model):
    """Links any record (optionally one of its fields) to the source it came from."""

    # PROTECT: a source that still backs a fact must not vanish silently.
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    field = models.CharField(max_length=60, blank=True, help_text=_("The field this supports."))
    locator = models.CharField(max_length=500, blank=True, help_text=_("Where in the source."))
    # A figure the source states about the record (8,993 motions in 2022), shown on the
    # record's page beside its source, so a reader sees which figures are the sources' own.
    figure_en = models.CharField(
        max_length=300, blank=True, help_text=_("A figure the source states, in English.")
    )
    figure_zh = models.CharField(
        max_length=300, blank=True, help_text=_("A figure the source states, in Chinese.")
    )

    class Meta:
        indexes = [models.Index(fields=["content_type", "object_id"])]
        ordering = ["source__key", "field", "id"]

    def __str__(self) -> str:
        return f"{self.source.key}: {self.field or '*'}"

    @property
    def figure(self) -> str:
        return self.localized("figure")


class AuditEntry(models.Model):
    """One change on the record: who, when, what, before and after. Append-only.

    Entries hang on the record whose history they belong to (a proposal, for a
    change to one of its assignments); `target` names the part that changed.
    """

    at = models.DateTimeField(db_index=True)
    # SET_NULL plus actor_label: removing an account must not erase who did what.
    actor = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    action = models.CharField(max_length=60)
    target = models.CharField(max_length=120, blank=True)
    field = models.CharField(max_length=60, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    public = models.BooleanField(
        default=False, help_text=_("Shown on the public timeline, not only to staff.")
    )

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label or '-'} {self.action} {self.field}"

    def save(self, *args, **kwargs):
        # Append-only: history that can be rewritten is not history.
        if self.pk is not None:
            raise ValueError("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("audit entries cannot be deleted")


class ScheduledRun(models.Model):
    """When a periodic job last ran, so restarts and parallel workers don't repeat it."""

    name = models.CharField(max_length=100, unique=True)
    last_run_on = models.DateField()

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_run_on}"


class DataVersion(models.Model):
    """One row whose counter moves on every committed change to the data.

    Cached public responses are keyed by it, so any write anywhere makes every
    cached copy stale at once, in every server process, without a shared cache.
    """

    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.value)


class RecordVersion(models.Model):
    """A counter per record, moved after every committed change that shows on the
    record's own public views (its page, its API detail): those are cached under
    it, so a change to one proposal leaves every other proposal's copies cached."""

    label = models.CharField(max_length=100, help_text=_('Model label, "app.Model".'))
    record_id = models.BigIntegerField()
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["label", "record_id"], name="record_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.label}:{self.record_id} {self.value}"


class Change(models.Model):
    """The outbox of the change stream: records a write touched, stored in the
    writer's own transaction, so the derived copies (search index, stored API
    documents, dumps, caches) learn of every committed change even when the
    process that made it dies before telling anyone. The worker consumes the
    rows and deletes them."""

    at = models.DateTimeField(default=timezone.now)
    label = models.CharField(max_length=100, help_text=_('Model label, "app.Model".'))
    ids = models.JSONField(help_text=_("Primary keys of the records that changed."))

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.label} {len(self.ids)} @ {self.at:%Y-%m-%d %H:%M:%S}"


class WorkerBeat(models.Model):
    """A worker process's last sign of life: a task it was running is handed to
    another worker once its beat is older than the lease."""

    worker_id = models.CharField(max_length=64, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.worker_id} @ {self.seen_at:%H:%M:%S}"
