"""Versioned model artifacts: a joblib file of scikit-learn objects plus JSON metadata.

An artifact is a folder::

    model.joblib      the trained object (Router, TopicModel, PairScorer)
    metadata.json     format and app version, kind, creation time (UTC), the
                      SHA-256 of the training data and of model.joblib, the
                      parameters, and the held-out evaluation report

Training writes, serving only reads (DESIGN §3.11). Loading checks the format
version, the kind and the model file's checksum. joblib files are pickles:
load only artifacts you or your team trained.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import joblib

__all__ = [
    "FORMAT_VERSION",
    "ArtifactError",
    "data_hash",
    "default_model_root",
    "latest_artifact",
    "load_artifact",
    "new_artifact_dir",
    "save_artifact",
]

FORMAT_VERSION = 1
MODEL_FILE = "model.joblib"
METADATA_FILE = "metadata.json"


class ArtifactError(RuntimeError):
    pass


def _app_version() -> str:
    try:
        from importlib.metadata import version

        return version("lianghui")
    except Exception:  # pragma: no cover - not installed as a distribution
        return "unknown"


def data_hash(rows: Iterable[Iterable[str]]) -> str:
    """SHA-256 over the training rows (fields joined by unit separators)."""
    h = hashlib.sha256()
    for row in rows:
        h.update("\x1f".join(str(x) for x in row).encode("utf-8"))
        h.update(b"\x1e")
    return h.hexdigest()


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def default_model_root() -> Path:
    """``LIANGHUI_INSIGHTS_MODELS`` (default ``<VAR_DIR>/insights/models``) when Django
    settings are available, else ./var/…"""
    try:
        from django.conf import settings

        root = getattr(settings, "LIANGHUI_INSIGHTS_MODELS", None)
        return Path(root) if root else Path(settings.VAR_DIR) / "insights" / "models"
    except Exception:
        return Path("var") / "insights" / "models"


def new_artifact_dir(kind: str, root: Path | None = None) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return (root or default_model_root()) / f"{kind}-{stamp}"


def latest_artifact(kind: str, root: Path | None = None) -> Path | None:
    root = root or default_model_root()
    if not root.is_dir():
        return None
    found = sorted(p for p in root.glob(f"{kind}-*") if (p / METADATA_FILE).exists())
    return found[-1] if found else None


def save_artifact(
    obj: Any,
    directory: str | Path,
    *,
    kind: str,
    data_sha256: str,
    params: dict | None = None,
    evaluation: dict | None = None,
    extra: dict | None = None,
) -> dict:
    """Write ``obj`` and its metadata into ``directory``; return the metadata."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    model_path = out / MODEL_FILE
    joblib.dump(obj, model_path, compress=3)
    metadata = {
        "format_version": FORMAT_VERSION,
        "kind": kind,
        "app_version": _app_version(),
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "data_sha256": data_sha256,
        "model_sha256": _file_sha256(model_path),
        "params": params or {},
        "evaluation": evaluation or {},
        **(extra or {}),
    }
    (out / METADATA_FILE).write_text(
        json.dumps(metadata, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
    )
    return metadata


def load_artifact(directory: str | Path, *, kind: str | None = None) -> tuple[Any, dict]:
    """Read an artifact written by `save_artifact`, checking version, kind and checksum."""
    d = Path(directory)
    meta_path = d / METADATA_FILE
    if not meta_path.exists():
        raise ArtifactError(f"no {METADATA_FILE} in {d}")
    metadata = json.loads(meta_path.read_text(encoding="utf-8"))
    if metadata.get("format_version") != FORMAT_VERSION:
        raise ArtifactError(
            f"artifact format {metadata.get('format_version')} is not {FORMAT_VERSION}: retrain"
        )
    if kind and metadata.get("kind") != kind:
        raise ArtifactError(f"artifact kind is {metadata.get('kind')!r}, expected {kind!r}")
    model_path = d / MODEL_FILE
    if _file_sha256(model_path) != metadata.get("model_sha256"):
        raise ArtifactError(f"{model_path} does not match the checksum in its metadata")
    return joblib.load(model_path), metadata
