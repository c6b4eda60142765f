"""CSV files read through a named mapping into the same records as JSON Lines.

laws-prc: public metadata of PRC laws with the columns
  name, level, publish, valid_from, expired, tags, subtitle, category
  - name (+ subtitle in brackets when present) -> title_zh
  - level -> kind: 宪法 constitution, 法律 law, 行政法规 administrative_regulation,
    司法解释 judicial_interpretation, 部门规章 departmental_rule, 地方性法规
    local_regulation, 案例 case, anything else other
  - publish -> published_on, valid_from -> effective_on (empty = unknown)
  - expired 1 -> expired: true (the file gives no repeal date)
  - category -> category; jurisdiction PRC
  - key: "prc-" + the first 12 hex digits of SHA-1 of name|subtitle|publish, so
    re-importing the same file updates the same records.
"""

from __future__ import annotations

import csv
import hashlib
import os
from collections.abc import Callable, Iterator

from .schema import MAX_LINE, SourceProblem

LAW_LEVELS = {
    "宪法": "constitution",
    "法律": "law",
    "行政法规": "administrative_regulation",
    "司法解释": "judicial_interpretation",
    "部门规章": "departmental_rule",
    "地方性法规": "local_regulation",
    "案例": "case",
}
LAW_COLUMNS = {"name", "level", "publish", "valid_from", "expired", "category"}


def _csv_rows(path: str) -> Iterator[tuple[int, dict]]:
    """(line, row) from a UTF-8 CSV file with a header; a problem anywhere (not
    UTF-8, broken CSV, a field too long, no such file) is a SourceProblem naming
    the line, read lazily like the rows themselves."""
    line = 0

    def lines(handle) -> Iterator[str]:
        nonlocal line
        for raw in handle:
            line += 1
            if len(raw) > MAX_LINE:
                raise SourceProblem(line, f"is longer than {MAX_LINE:,} bytes")
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise SourceProblem(
                    line,
                    f"is not UTF-8 (byte {exc.start + 1} of the line); save the file as UTF-8",
                ) from None
            yield text.removeprefix("\ufeff") if line == 1 else text

    try:
        with open(path, "rb") as handle:
            reader = csv.DictReader(lines(handle))
            try:
                fieldnames = reader.fieldnames or ()
                missing = LAW_COLUMNS - set(fieldnames)
                if missing:
                    raise SourceProblem(
                        1, f"the header lacks the columns {', '.join(sorted(missing))}"
                    )
                for row in reader:
                    if None in row or any(v is None for v in row.values()):
                        raise SourceProblem(
                            reader.line_num, "has another number of fields than the header"
                        )
                    yield reader.line_num, row
            except csv.Error as exc:
                raise SourceProblem(line, f"is not valid CSV: {exc}") from None
    except OSError as exc:
        raise SourceProblem(0, f"cannot be read: {exc.strerror}") from None


def laws_prc(path: str) -> tuple[str, Iterator[tuple[int, dict]]]:
    name = os.path.basename(path)

    def records() -> Iterator[tuple[int, dict]]:
        for line, row in _csv_rows(path):
            title = row["name"].strip()
            subtitle = (row.get("subtitle") or "").strip()
            if subtitle:
                title = f"{title}（{subtitle}）"
            digest = hashlib.sha1(
                f"{row['name']}|{subtitle}|{row['publish']}".encode("utf-8", "surrogatepass")
            ).hexdigest()[:12]
            rec = {
                "type": "regulation",
                "key": f"prc-{digest}",
                "title_zh": title,
                "kind": LAW_LEVELS.get(row["level"].strip(), "other"),
                "jurisdiction": "PRC",
                "category": row["category"].strip(),
                "published_on": row["publish"].strip() or None,
                "effective_on": row["valid_from"].strip() or None,
                "expired": row["expired"].strip() == "1",
            }
            yield line, rec

    return name, records()


MAPPINGS: dict[str, Callable[[str], tuple[str, Iterator[tuple[int, dict]]]]] = {
    "laws-prc": laws_prc,
}
