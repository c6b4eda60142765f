# ruff: noqa: E501 -- the cue tables read best one pattern per line
"""Finding commitments in replies: what an agency says it will do, by when, under
which plan.

A commitment is a sentence that promises future action ("下一步将…", "will revise
… within the year") or records that something was put on a plan ("已列入立法规划",
"has been included in the legislative work plan"). The extractor is rules, not a
trained model: cue phrases with weights, past-tense and hedging counter-cues,
and a logistic squash of the sum into a confidence. Each cue that fired is kept
as the reason. Dates are read from the sentence relative to the reply's date
("年内" is the end of the reply's year). It needs no database.

Its quality is measured on ``data/labelled.jsonl`` (sentences written for the
purpose, labelled by hand): ``lianghui commitments evaluate``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

VERSION = "rules-1"
THRESHOLD = 0.5
LABELLED = Path(__file__).resolve().parent / "data" / "labelled.jsonl"

# (pattern, weight, reason). Weights are log-odds: the bias below makes a sentence
# with no cue clearly not a commitment, one strong cue clearly one.
_ZH_CUES = [
    (r"下一步|下阶段|今后", 2.2, "下一步 / 今后 (next step)"),
    (
        r"列入[^。；]{0,20}(?:规划|计划)|纳入[^。；]{0,20}(?:规划|计划)",
        3.0,
        "列入/纳入…规划 (put on a plan)",
    ),
    (
        r"将(?:会同|加快|抓紧|进一步|研究|推动|修订|制定|出台|开展|完善|加强|启动|组织|继续|积极|认真|适时)",
        2.6,
        "将… (will)",
    ),
    (
        r"(?:拟|计划|准备|争取|力争)(?:于|在|年内|尽快|\d|[^。；]{0,4}(?:修订|制定|出台|开展|完成|启动|推出))",
        2.4,
        "拟/计划/争取 (plan to)",
    ),
    (
        r"抓紧|尽快|适时|年内|年底前|年底|月底前|之前完成|个月内|明年|下半年|季度",
        1.4,
        "a time frame",
    ),
    (r"研究制定|研究出台|推动出台|加快出台|修订完善", 1.0, "drafting verbs"),
    (r"(?<![已即])将", 2.2, "将 (will)"),
    (r"正在(?:会同|研究|起草|制定|修订|推进|组织|开展)", 2.4, "正在… (under way)"),
]
_ZH_COUNTER = [
    (
        r"已(?:经)?(?:印发|出台|发布|颁布|实施|完成|建成|开展|修订|制定)(?!.*(?:下一步|将))",
        -2.5,
        "已… (already done)",
    ),
    (r"(?:^|，)(?:近年来|去年|此前|过去)", -1.2, "looking back"),
    (r"感谢|收悉|现将|答复如下", -3.0, "courtesy"),
    (r"(?:可以|建议|可)(?:考虑|参考)", -1.0, "advice, not a promise"),
    (r"(?:作为|供)[^。；]{0,12}参考", -3.0, "kept for reference"),
]
_EN_CUES = [
    (r"\bnext step", 2.2, "next step"),
    (
        r"\b(?:has|have) been (?:included|placed|put|listed) (?:in|on)\b[^.;]{0,60}\bplan",
        3.0,
        "put on a plan",
    ),
    (
        r"\b(?:included|listed) in (?:the|this year's|next year's|its|our) [^.;]{0,40}\bplan",
        2.4,
        "put on a plan",
    ),
    (
        r"\bwill (?:(?:further|actively|continue to|soon|also) )?(?:revise|draft|issue|publish|introduce|launch|amend|study|consider|review|set up|establish|work|promote|improve|strengthen|step up|speed up|accelerate|expand|carry out|complete|organise|organize|coordinate|answer|reply|write|report|update|bring|lay|consult|extend)",
        2.8,
        "will …",
    ),
    (
        r"\b(?:plans?|intends?|aims?|expects?|is expected|are expected|is going|are going|undertakes?|commits?) to\b",
        2.4,
        "plans / intends to",
    ),
    (r"\bwill\b", 2.2, "will"),
    (r"\b(?:is|are|remains?) committed to\b", 2.6, "committed to"),
    (
        r"\b(?:within (?:the|this) year|by the end of|before the end of|in the coming (?:months|year)|as soon as possible|shortly|next month|in due course|later this year|next year|within \d+ (?:months|days|working days)|by (?:january|february|march|april|may|june|july|august|september|october|november|december|\d{4}))",
        1.4,
        "a time frame",
    ),
]
_EN_COUNTER = [
    (
        r"\b(?:has|have|had) (?:already )?(?:issued|published|completed|adopted|introduced|launched|amended|revised|set up|established)\b(?![^.;]*\bwill\b)",
        -2.5,
        "already done",
    ),
    (
        r"\b(?:was|were) (?:issued|published|completed|adopted|introduced|launched|amended|revised)\b(?![^.;]*\bwill\b)",
        -2.0,
        "already done",
    ),
    (r"\bno (?:current )?plans? to\b|\bdoes not intend\b|\bhas no intention\b", -4.5, "no plan"),
    (r"\bwill (?:be aware|know|recall|appreciate|remain|understand)\b", -2.4, "not an action"),
    (r"\bthank you|\bwe thank\b|\bthanks\b", -2.0, "courtesy"),
    (r"\bkept for reference|\bfor (?:your )?reference\b", -3.0, "kept for reference"),
    (
        r"\bwould (?:be|welcome|like)|\bcould\b|\bmay consider\b|\bif\b",
        -1.0,
        "conditional, not a promise",
    ),
    (r"\bin recent years|\blast year|\bin \d{4},", -1.2, "looking back"),
]
_BIAS = -2.0

_SPLIT_ZH = re.compile(r"(?<=[。！？；!?;])|\n+")
_SPLIT_EN = re.compile(r"(?<=[.!?;])\s+|\n+")
_HAN = re.compile(r"[\u4e00-\u9fff]")

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}


@dataclass(frozen=True)
class Found:
    position: int
    language: str
    sentence: str
    confidence: float
    reasons: tuple[str, ...] = field(default=())
    due_on: dt.date | None = None
    due_precision: str = ""  # day, month, year or "" when no date is stated
    plan: str = ""


def language_of(text: str) -> str:
    han = len(_HAN.findall(text))
    return "zh" if han and han * 3 >= len(text.replace(" ", "")) * 0.5 else "en"


def sentences(text: str, language: str) -> list[str]:
    splitter = _SPLIT_ZH if language == "zh" else _SPLIT_EN
    return [s.strip() for s in splitter.split(text or "") if s and s.strip()]


def score(sentence: str, language: str) -> tuple[float, tuple[str, ...]]:
    cues = (_ZH_CUES + _ZH_COUNTER) if language == "zh" else (_EN_CUES + _EN_COUNTER)
    low = sentence if language == "zh" else sentence.lower()
    total, reasons = _BIAS, []
    for pattern, weight, reason in cues:
        if re.search(pattern, low):
            total += weight
            if reason not in reasons:
                reasons.append(reason)
    return 1 / (1 + math.exp(-total)), tuple(reasons)


def _end_of_month(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


_ZH_NUM = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "十二": 12, "十": 10}


def due_date(sentence: str, language: str, replied_on: dt.date) -> tuple[dt.date | None, str]:
    """The latest date the sentence commits to, and its precision."""
    s = sentence if language == "zh" else sentence.lower()
    year = replied_on.year
    if language == "zh":
        if m := re.search(r"(\d{4})年(\d{1,2})月(?:底|前|末|之前)?", s):
            return _end_of_month(int(m[1]), int(m[2])), "month"
        if m := re.search(r"(\d{4})年(?:底|前|内|末|之前|年底)", s):
            return dt.date(int(m[1]), 12, 31), "year"
        if m := re.search(r"(\d+|[一两二三四五六十]+)个月内", s):
            n = int(m[1]) if m[1].isdigit() else _ZH_NUM.get(m[1], 0)
            if n:
                return _add_months(replied_on, n), "day"
        if re.search(r"明年|下一年度", s):
            return dt.date(year + 1, 12, 31), "year"
        if re.search(r"年内|今年|本年度|年底前|年底|年度(?:工作)?计划", s):
            return dt.date(year, 12, 31), "year"
        return None, ""
    if m := re.search(r"\bby (?:the end of )?(" + "|".join(_MONTHS) + r") (\d{4})", s):
        return _end_of_month(int(m[2]), _MONTHS[m[1]]), "month"
    if m := re.search(r"\b(?:by|before) (?:the end of )?(\d{4})\b", s):
        return dt.date(int(m[1]), 12, 31), "year"
    if m := re.search(r"\bwithin (\d+|one|two|three|six|twelve) months\b", s):
        words = {"one": 1, "two": 2, "three": 3, "six": 6, "twelve": 12}
        n = int(m[1]) if m[1].isdigit() else words[m[1]]
        return _add_months(replied_on, n), "day"
    if m := re.search(r"\bwithin (\d+) (?:working )?days\b", s):
        return replied_on + dt.timedelta(days=int(m[1])), "day"
    if re.search(r"\bnext year\b", s):
        return dt.date(year + 1, 12, 31), "year"
    if re.search(
        r"\b(?:within (?:the|this) year|later this year|by the end of (?:the|this) year|this year)\b",
        s,
    ) or re.search(r"\bthis year's (?:work )?plan|\bannual (?:work )?plan", s):
        return dt.date(year, 12, 31), "year"
    return None, ""


def plan_of(sentence: str, language: str) -> str:
    if language == "zh":
        m = re.search(
            r"(?:列入|纳入)(《[^》]{1,40}》|[^，。；]{0,20}?(?:立法工作计划|立法规划|工作计划|规划|计划))",
            sentence,
        )
        return m[1].strip() if m else ""
    m = re.search(
        r"\b(?:in|into|on|under) (the [^,.;]{0,60}?\b(?:plan|programme|program))\b", sentence, re.I
    )
    return m[1] if m else ""


def extract(text: str, *, replied_on: dt.date, language: str = "") -> list[Found]:
    """Every sentence of ``text`` whose confidence reaches THRESHOLD."""
    language = language or language_of(text)
    found = []
    for n, sentence in enumerate(sentences(text, language)):
        confidence, reasons = score(sentence, language)
        if confidence < THRESHOLD:
            continue
        due, precision = due_date(sentence, language, replied_on)
        found.append(
            Found(
                position=n,
                language=language,
                sentence=sentence,
                confidence=round(confidence, 3),
                reasons=reasons,
                due_on=due,
                due_precision=precision,
                plan=plan_of(sentence, language),
            )
        )
    return found


@dataclass(frozen=True)
class Quality:
    rows: int
    precision: float
    recall: float
    f1: float
    due_dates_right: int
    due_dates_labelled: int
    by_language: dict


def evaluate(path: Path = LABELLED) -> Quality:
    """Precision and recall of the sentence decision on a labelled JSON Lines file
    (``text``, ``label`` 0/1, optional ``replied_on`` and ``due``)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    counts: dict[str, list[int]] = {}
    right = labelled = 0
    for row in rows:
        language = row.get("language") or language_of(row["text"])
        predicted = score(row["text"], language)[0] >= THRESHOLD
        tp_fp_fn = counts.setdefault(language, [0, 0, 0])
        if predicted and row["label"]:
            tp_fp_fn[0] += 1
        elif predicted:
            tp_fp_fn[1] += 1
        elif row["label"]:
            tp_fp_fn[2] += 1
        if row["label"] and "due" in row:
            labelled += 1
            replied = dt.date.fromisoformat(row.get("replied_on", "2022-06-30"))
            due, _precision = due_date(row["text"], language, replied)
            right += (due.isoformat() if due else None) == row["due"]

    def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        return round(p, 3), round(r, 3), round(2 * p * r / (p + r), 3) if p + r else 0.0

    tp, fp, fn = (sum(c[i] for c in counts.values()) for i in range(3))
    p, r, f = prf(tp, fp, fn)
    return Quality(
        rows=len(rows),
        precision=p,
        recall=r,
        f1=f,
        due_dates_right=right,
        due_dates_labelled=labelled,
        by_language={
            lang: dict(zip(("precision", "recall", "f1"), prf(*c), strict=True))
            for lang, c in counts.items()
        },
    )
