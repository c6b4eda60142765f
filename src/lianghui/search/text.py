"""Turning text into search tokens, the same way at index time and at query time.

Text is NFKC-normalised (full-width letters and digits become ASCII), case-folded
and cut into runs of letters and digits. Runs containing Chinese characters are
segmented with rjieba: in search mode (``cut_for_search``, which adds the short
words inside long ones) at index time, in precise mode (``cut``) at query time,
so a query word is either one of the document's words or one of their parts.
English words lose a plural "s" (``stem``).
Everything else is kept as one token. Tokens hold letters and digits only, which
keeps them safe in FTS5 and tsquery expressions.
"""

from __future__ import annotations

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


def _tokens(text: str, cut) -> list[str]:
    out: list[str] = []
    for run in _RUN.findall(normalise(text)):
        if _CJK.search(run):
            for word in cut(run):
                out.extend(t[:MAX_TOKEN_LENGTH] for t in _RUN.findall(word))
        else:
            out.append(stem(run)[:MAX_TOKEN_LENGTH])
    return out


def index_tokens(*texts: str) -> str:
    """The texts as one space-separated token string for the index."""
    return " ".join(t for text in texts if text for t in _tokens(text, rjieba.cut_for_search))


def query_tokens(text: str) -> list[str]:
    """The words of one query chunk (precise-mode segmentation)."""
    return _tokens(text, rjieba.cut)


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
