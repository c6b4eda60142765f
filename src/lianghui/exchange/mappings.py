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


class CsvProblem(Exception):
    pass


def laws_prc(path: str) -> tuple[str, Iterator[tuple[int, dict]]]:
    name = os.path.basename(path)

    def records() -> Iterator[tuple[int, dict]]:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = LAW_COLUMNS - set(reader.fieldnames or ())
            if missing:
                # Line 1 is the header: report it as a record the importer rejects.
                yield 1, {"type": "regulation", "columns_missing": sorted(missing)}
                return
            for row in reader:
                line = reader.line_num
                title = row["name"].strip()
                subtitle = (row.get("subtitle") or "").strip()
                if subtitle:
                    title = f"{title}（{subtitle}）"
                digest = hashlib.sha1(
                    f"{row['name']}|{subtitle}|{row['publish']}".encode()
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
