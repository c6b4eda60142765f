"""Text in Chinese and English: normalisation, segmentation, stop words, analyzers.

Everything downstream (topics, routing, near-duplicates) goes through these
functions, so that training and scoring see the same tokens.

* `normalize` folds full-width forms to half width (NFKC), lower-cases Latin
  letters, collapses white space and masking runs (``****``), and optionally
  converts traditional to simplified characters (OpenCC when installed).
* `Segmenter` wraps rjieba (a binding of jieba-rs, ~25x faster than jieba) with
  the default domain dictionary and any user dictionaries in jieba's
  ``word [freq] [tag]`` format. jieba itself is used only when rjieba cannot be
  imported, since rjieba covers every feature this app uses (cut, add_word).
* `WordAnalyzer` and `CharAnalyzer` are picklable callables for scikit-learn's
  vectorizers: words (and word bigrams) serve English and Chinese alike;
  character n-grams catch Chinese compounds the dictionary misses.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path

__all__ = [
    "CharAnalyzer",
    "Segmenter",
    "WordAnalyzer",
    "default_segmenter",
    "load_stop_words",
    "normalize",
    "read_dictionary",
]

_MASK = re.compile(r"[*＊]{2,}")
_SPACE = re.compile(r"\s+")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# A token worth keeping: has a letter or a Han character (drops punctuation, bare numbers).
_CONTENT = re.compile(r"[a-z\u3400-\u9fff\uf900-\ufaff]")
_PUNCT_OR_SPACE = re.compile(r"[\s\W_]+", re.UNICODE)


@functools.cache
def _t2s_converter():
    try:
        import opencc
    except ImportError:  # pragma: no cover - opencc is a declared dependency
        return None
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → simplified Chinese via OpenCC; unchanged if OpenCC is missing."""
    converter = _t2s_converter()
    return converter.convert(text) if converter is not None else text


def normalize(text: str, *, t2s: bool = False, lower: bool = True) -> str:
    """Canonical form of a text for matching and features.

    Full-width letters, digits and punctuation become half width (NFKC), the
    ideographic space becomes a space, runs of white space become one space,
    runs of masking asterisks become one ``*``. With ``t2s`` traditional
    characters become simplified.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    if t2s:
        text = to_simplified(text)
    if lower:
        text = text.lower()
    text = _MASK.sub("*", text)
    return _SPACE.sub(" ", text).strip()


def _data_path(name: str) -> Path:
    return Path(str(resources.files("lianghui.insights").joinpath("data", name)))


def read_dictionary(path: str | Path) -> list[tuple[str, int | None, str | None]]:
    """Entries of a jieba-format dictionary file: ``word [freq] [tag]`` per line."""
    entries: list[tuple[str, int | None, str | None]] = []
    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        word = parts[0]
        freq: int | None = None
        tag: str | None = None
        if len(parts) > 1:
            if parts[1].isdigit():
                freq = int(parts[1])
                tag = parts[2] if len(parts) > 2 else None
            else:
                tag = parts[1]
        entries.append((word, freq, tag))
    return entries


@functools.cache
def load_stop_words(path: str | None = None) -> frozenset[str]:
    """The shipped stop-word list (or one given by path), normalised."""
    file = Path(path) if path else _data_path("stopwords.txt")
    words = set()
    for raw in file.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            words.add(normalize(line))
    return frozenset(words)


class _JiebaFallback:
    """The few calls we need, on jieba's own Tokenizer (used only without rjieba)."""

    def __init__(self) -> None:
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        self._tok = jieba.Tokenizer()

    def cut(self, text: str, hmm: bool = True) -> list[str]:
        return list(self._tok.cut(text, HMM=hmm))

    def add_word(self, word: str, freq: int | None, tag: str | None) -> None:
        self._tok.add_word(word, freq, tag)


def _new_engine():
    try:
        import rjieba
    except ImportError:  # pragma: no cover - rjieba is a declared dependency
        return _JiebaFallback()
    return rjieba.Jieba()


@functools.lru_cache(maxsize=16)
def _engine_for(words: tuple[tuple[str, int | None, str | None], ...]):
    engine = _new_engine()
    for word, freq, tag in words:
        engine.add_word(normalize(word), freq, tag)
    return engine


class Segmenter:
    """jieba-compatible word segmentation with a domain dictionary and stop words.

    ``user_words`` are extra words (strings or ``(word, freq, tag)``);
    ``dictionaries`` are extra files in jieba's format. The shipped domain
    dictionary is loaded unless ``use_default_dictionary`` is false. Instances
    pickle as their configuration, so a trained model carries its dictionary.
    """

    def __init__(
        self,
        user_words: Iterable[str | tuple[str, int | None, str | None]] = (),
        *,
        dictionaries: Sequence[str | Path] = (),
        use_default_dictionary: bool = True,
        stop_words: Iterable[str] | None = None,
        t2s: bool = False,
    ) -> None:
        entries: list[tuple[str, int | None, str | None]] = []
        if use_default_dictionary:
            entries += read_dictionary(_data_path("domain_dict.txt"))
        for path in dictionaries:
            entries += read_dictionary(path)
        for item in user_words:
            entries.append((item, None, None) if isinstance(item, str) else tuple(item))
        self.entries = tuple(entries)
        self.stop_words = (
            load_stop_words() if stop_words is None else frozenset(normalize(w) for w in stop_words)
        )
        self.t2s = t2s
        self._engine = _engine_for(self.entries)

    def __getstate__(self) -> dict:
        return {"entries": self.entries, "stop_words": self.stop_words, "t2s": self.t2s}

    def __setstate__(self, state: dict) -> None:
        self.entries = state["entries"]
        self.stop_words = state["stop_words"]
        self.t2s = state["t2s"]
        self._engine = _engine_for(self.entries)

    def add_word(self, word: str, freq: int | None = None, tag: str | None = None) -> None:
        """Add a word for this segmenter (and its pickles) only."""
        self.entries = (*self.entries, (word, freq, tag))
        self._engine = _engine_for(self.entries)

    def normalize(self, text: str) -> str:
        return normalize(text, t2s=self.t2s)

    def cut(self, text: str, *, normalized: bool = False) -> list[str]:
        """All words of the text, punctuation and spaces included."""
        return self._engine.cut(text if normalized else self.normalize(text))

    def tokens(self, text: str, *, normalized: bool = False) -> list[str]:
        """Content words: no stop words, punctuation, spaces or bare numbers."""
        stop = self.stop_words
        return [
            w for w in self.cut(text, normalized=normalized) if w not in stop and _is_content(w)
        ]


@functools.lru_cache(maxsize=200_000)
def _is_content(word: str) -> bool:
    return bool(_CONTENT.search(word))


@functools.cache
def default_segmenter() -> Segmenter:
    return Segmenter()


class WordAnalyzer:
    """Words and adjacent-word bigrams (joined by a space) for a vectorizer."""

    def __init__(
        self,
        segmenter: Segmenter | None = None,
        ngram_range: tuple[int, int] = (1, 2),
        normalized_input: bool = False,
    ):
        self.segmenter = segmenter or default_segmenter()
        self.ngram_range = ngram_range
        # True when the caller passes texts already through `normalize`.
        self.normalized_input = normalized_input

    def __call__(self, text: str) -> list[str]:
        words = self.segmenter.tokens(text, normalized=self.normalized_input)
        lo, hi = self.ngram_range
        out = list(words) if lo <= 1 else []
        for n in range(max(lo, 2), hi + 1):
            out += [" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]
        return out


class CharAnalyzer:
    """Character n-grams of the normalised text with punctuation and spaces squeezed.

    Latin words stay whole-ish: their letters form n-grams too, so English gets
    sub-word matching (plurals, inflections) for free.
    """

    def __init__(self, ngram_range: tuple[int, int] = (1, 3), t2s: bool = False):
        self.ngram_range = ngram_range
        self.t2s = t2s

    def __call__(self, text: str) -> list[str]:
        s = _PUNCT_OR_SPACE.sub(" ", normalize(text, t2s=self.t2s)).strip()
        lo, hi = self.ngram_range
        out: list[str] = []
        n_chars = len(s)
        for n in range(lo, hi + 1):
            grams = (s[i : i + n] for i in range(n_chars - n + 1))
            out += [g for g in grams if g != " " and not (n > 1 and g.count(" ") == n - 1)]
        return out


def has_han(text: str) -> bool:
    return bool(_HAN.search(text))
