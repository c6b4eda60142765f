"""Turning text into search tokens, the same way at index time and at query time.

Text is NFKC-normalised (full-width letters and digits become ASCII), case-folded
and cut into runs of letters and digits. Runs containing Chinese characters are
cut into words with rjieba's precise mode, and each word into its *parts*
(``parts``: the shortest dictionary words that tile it, left to right, or single
characters where none does), the same way at index time and at query time. The
index holds a run's parts in order, then the run's longer words (the words
themselves and rjieba's search-mode words inside them), so a whole word is still
one token. A query word is the phrase of its parts: a compound is found however
the text around it was cut (数据安全 in 数据安全法, which precise mode cuts as
数据 | 安全法, or 信息保护 in 个人信息保护法, cut as 个人信息 | 保护法).
English words lose a plural "s" (``stem``).
Everything else is kept as one token. Tokens hold letters and digits only, which
keeps them safe in FTS5 and tsquery expressions.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

import rjieba

MAX_TOKEN_LENGTH = 60
_RUN = re.compile(r"[^\W_]+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
# Control characters (including NUL) and unpaired surrogates become spaces.
CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")

# Dropped from queries (never from the index) when other words remain: they
# match nearly every record and only slow the search down.
QUERY_STOPWORDS = frozenset(
    "的 了 和 与 及 或 在 是 对 为 之 关于 a an the of and or to in on for with by".split()
)


def normalise(text: str) -> str:
    """NFKC, case-folded, control characters replaced by spaces."""
    text = CONTROL_CHARS.sub(" ", text or "")
    return unicodedata.normalize("NFKC", text).casefold()


def stem(word: str) -> str:
    """Harman's S-stemmer for English plurals (policies -> policy, platforms ->
    platform), on both sides, so singular and plural find each other."""
    if len(word) <= 3 or not word.isascii() or not word.isalpha():
        return word
    if word.endswith("ies") and not word.endswith(("eies", "aies")):
        return word[:-3] + "y"
    if word.endswith("es") and not word.endswith(("aes", "ees", "oes")):
        return word[:-1]
    if word.endswith("s") and not word.endswith(("us", "ss")):
        return word[:-1]
    return word


@functools.lru_cache(maxsize=65_536)
def _split(word: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(parts, longer words) of one precise-mode word. The parts tile the word:
    from each position the longest search-mode word shorter than the whole that
    starts there, else one character. The longer words are the search-mode words
    that are not parts, the word itself included when it has several parts."""
    inner = [w for w in rjieba.cut_for_search(word) if len(w) < len(word)]
    if not inner:
        return (word,), ()
    parts: list[str] = []
    at = 0
    while at < len(word):
        here = [w for w in inner if word.startswith(w, at)]
        part = max(here, key=len) if here else word[at]
        parts.append(part)
        at += len(part)
    if len(parts) == 1:
        return (word,), ()
    longer = [w for w in rjieba.cut_for_search(word) if w not in parts]
    return tuple(parts), tuple(longer)


def parts(word: str) -> tuple[str, ...]:
    """The parts of one Chinese word (see the module's docstring)."""
    return _split(word)[0]


def _clip(word: str) -> list[str]:
    return [t[:MAX_TOKEN_LENGTH] for t in _RUN.findall(word)]


def _index_run(run: str, out: list[str]) -> None:
    longer: list[str] = []
    for word in rjieba.cut(run):
        word_parts, word_longer = _split(word)
        for part in word_parts:
            out.extend(_clip(part))
        for w in word_longer:
            longer.extend(_clip(w))
    out.extend(longer)


def index_tokens(*texts: str) -> str:
    """The texts as one space-separated token string for the index."""
    out: list[str] = []
    for text in texts:
        for run in _RUN.findall(normalise(text or "")):
            if _CJK.search(run):
                _index_run(run, out)
            else:
                out.append(stem(run)[:MAX_TOKEN_LENGTH])
    return " ".join(out)


def query_words(text: str) -> list[tuple[str, ...]]:
    """The words of one query chunk, each as the tuple of its tokens: a Chinese
    word as its parts (a phrase when there are several), anything else as one."""
    out: list[tuple[str, ...]] = []
    for run in _RUN.findall(normalise(text)):
        if _CJK.search(run):
            for word in rjieba.cut(run):
                tokens = tuple(t for part in parts(word) for t in _clip(part))
                if tokens:
                    out.append(tokens)
        else:
            out.append((stem(run)[:MAX_TOKEN_LENGTH],))
    return out


def query_tokens(text: str) -> list[str]:
    """The tokens of one query chunk, in order (a quoted phrase's)."""
    return [t for word in query_words(text) for t in word]


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def pair_token(first: str, second: str) -> str:
    """One index word standing for two tokens next to each other (PostgreSQL):
    its GIN index knows no positions, so a phrase of common words was checked row
    by row in every document holding them; a pair's own word is one lookup.
    ``qx`` and hex: one word to the 'simple' parser, like no word anyone types."""
    digest = hashlib.blake2b(f"{first} {second}".encode(), digest_size=6).hexdigest()
    return "qx" + digest


MAX_PAIRS = 20_000  # a tsvector holds 1 MB at most; the words need room too
# Marks a document whose pairs stop at MAX_PAIRS: in it, a phrase is checked on
# positions, since its pair word may be missing.
SOME_PAIRS = "qxsome"


def pair_tokens(*token_strings: str) -> str:
    """The pair words of each token string (no pair across two strings), once each:
    the first MAX_PAIRS of them, then SOME_PAIRS if there were more."""
    pairs: dict[str, None] = {}
    for tokens in token_strings:
        words = tokens.split()
        for first, second in zip(words, words[1:], strict=False):
            pair = pair_token(first, second)
            if pair not in pairs and len(pairs) == MAX_PAIRS:
                return " ".join([*pairs, SOME_PAIRS])
            pairs.setdefault(pair, None)
    return " ".join(pairs)
