"""Tables leaving the platform (``export --format csv|xlsx`` and the public bulk
CSVs) are read by spreadsheet programs: no stored text may become a formula or
break the file, whichever field it is in. The JSON Lines export keeps the text
exactly as stored (it is what is imported back)."""

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from openpyxl import load_workbook

from lianghui.core.models import Citation
from lianghui.exchange.exporter import export_jsonl
from lianghui.exchange.schema import CITATION, SPECS
from lianghui.exchange.tabular import FORMULA_STARTS, cell

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/","点击")'
PAYLOADS = [
    HYPERLINK,
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "\n=1+1",
    "＝1+1",
    "a\x0bb\x01c\x1fd\ufffe",
]
# Characters neither XML (so XLSX) nor PostgreSQL can hold, or that a word processor
# uses as a break.
CONTROL = {chr(c) for c in range(32)} - {"\t", "\n", "\r"} | {"\ufffe", "\uffff"}


def text_fields():
    """(model, field name, max length) of every text field of every exported part."""

    def walk(spec):
        for f in spec.fields:
            if f.kind in {"str", "text"}:
                yield spec.model or Citation, f.name, f.max_length
        for child in spec.children:
            yield from walk(child)

    seen = set()
    for spec in [*SPECS.values(), CITATION]:
        for found in walk(spec):
            if found[:2] not in seen:
                seen.add(found[:2])
                yield found


@pytest.fixture
def hostile_world(small_world):
    """Every row's every text field holds a formula or control characters (each
    row's value distinct, for unique constraints)."""
    payloads = list(PAYLOADS)
    if connection.vendor == "sqlite":  # PostgreSQL cannot store NUL at all
        payloads.append("nul\x00here")
    filled = 0
    for n, (model, name, max_length) in enumerate(text_fields()):
        for pk in model.objects.order_by("pk").values_list("pk", flat=True):
            value = f"{payloads[(n + pk) % len(payloads)]} {pk}"
            model.objects.filter(pk=pk).update(**{name: value[: max_length or None]})
            filled += 1
    assert filled > 50


def assert_safe(value, where: str) -> None:
    if not isinstance(value, str):
        return
    assert not (set(value) & CONTROL), (where, value)
    if value.startswith("'"):
        return
    assert value[:1] not in ("\t", "\r"), (where, value)
    assert not value.lstrip(" \t\r\n").startswith(FORMULA_STARTS), (where, value)


def csv_cells(folder: Path):
    for path in sorted(folder.glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                for value in row:
                    yield f"{path.name}", value


def test_cell_neutralises_formulas_and_drops_what_xlsx_cannot_hold():
    assert cell(HYPERLINK) == "'" + HYPERLINK
    assert cell(" -1") == "' -1"
    assert cell("\t=1") == "'\t=1"
    assert cell("a\x0bb\x00c") == "a\nbc"
    assert cell("plain 文本 - with a dash") == "plain 文本 - with a dash"
    assert cell(-5) == -5 and cell(True) is True and cell(None) == ""
    assert cell(["=a", "b"]) == "'=a|b"


def test_csv_export_has_no_live_formula_in_any_field(hostile_world, tmp_path):
    call_command("export", format="csv", output=str(tmp_path / "csv"))
    cells = list(csv_cells(tmp_path / "csv"))
    for where, value in cells:
        assert_safe(value, where)
    values = {v for _w, v in cells}
    assert any(v.startswith("'" + HYPERLINK) for v in values)
    assert any(v.startswith("'＝1+1") for v in values)


def test_xlsx_export_holds_values_only(hostile_world, tmp_path):
    path = tmp_path / "all.xlsx"
    call_command("export", format="xlsx", output=str(path))
    book = load_workbook(path)  # not read-only: data types as a spreadsheet sees them
    seen = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for c in row:
                assert c.data_type != "f", (sheet.title, c.coordinate, c.value)
                assert_safe(c.value, f"{sheet.title}!{c.coordinate}")
                seen += isinstance(c.value, str) and c.value.startswith("'" + HYPERLINK)
    assert seen


def test_public_bulk_csvs_have_no_live_formula(hostile_world, settings):
    call_command("dumps", "build")
    root = settings.LIANGHUI_DUMPS_DIR
    folders = [p for p in root.iterdir() if p.is_dir()]
    assert len(folders) >= 3
    values = set()
    for folder in folders:
        for where, value in csv_cells(folder):
            assert_safe(value, f"{folder.name}/{where}")
            values.add(value)
    assert any(v.startswith("'" + HYPERLINK) for v in values)


def test_jsonl_keeps_the_text_as_stored(hostile_world):
    out = io.StringIO()
    export_jsonl(out)
    assert '"=HYPERLINK(\\"http://evil.example/\\",\\"点击\\")' in out.getvalue()
    assert "\\u000b" in out.getvalue()
