"""Export -> import into an empty database -> export gives the same bytes."""

import csv
import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from lianghui.consultations.models import Consultation
from lianghui.core.models import Citation, Source
from lianghui.exchange.exporter import export_jsonl
from lianghui.exchange.importer import import_files
from lianghui.laws.models import Regulation
from lianghui.people.models import Member, Organization
from lianghui.proposals.models import Body, Proposal, ProposalKind, Session, Topic

pytestmark = pytest.mark.django_db


def wipe():
    """Empty every table the export covers (references first). Accounts are not
    part of the open-data export, so they go too."""
    from django.contrib.auth.models import User

    User.objects.all().delete()
    # Consultations are not in the exchange format (the bulk dump has them): they
    # go first, since their drafts hold the regulations' versions.
    Consultation.objects.all().delete()
    Regulation.objects.all().delete()
    Proposal.objects.update(merged_into=None)
    Proposal.objects.all().delete()
    Member.objects.all().delete()
    Organization.objects.update(parent=None)
    Organization.objects.all().delete()
    Topic.objects.update(parent=None)
    for model in (Topic, Session, ProposalKind, Body, Citation, Source):
        model.objects.all().delete()


def export() -> str:
    out = io.StringIO()
    export_jsonl(out)
    return out.getvalue()


def test_round_trip_is_byte_identical(tmp_path, seed_facts):
    call_command("demo", sessions=1, per_session=40, last_year=2022, verbosity=0)
    first = export()
    assert first.count("\n") > 150
    path = tmp_path / "export.jsonl"
    path.write_text(first, encoding="utf-8")
    wipe()
    assert not Proposal.objects.exists()
    import_files([str(path)])
    assert export() == first


def test_export_command_writes_jsonl_csv_and_xlsx(tmp_path, small_world):
    call_command("export", format="jsonl", output=str(tmp_path / "all.jsonl"))
    lines = (tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith('{"type":"source"')
    call_command("export", format="csv", output=str(tmp_path / "csv"))
    with open(tmp_path / "csv" / "proposal.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["key"] for r in rows] == ["p-1", "p-2"]
    assert rows[1]["merged_into"] == "p-1"
    with open(tmp_path / "csv" / "proposal_assignments_replies.csv", encoding="utf-8") as handle:
        replies = list(csv.DictReader(handle))
    assert replies[0]["proposal"] == "p-1" and replies[0]["path"] == "assignments[1].replies[0]"
    call_command("export", format="xlsx", output=str(tmp_path / "all.xlsx"))
    book = load_workbook(tmp_path / "all.xlsx", read_only=True)
    sheet = book["proposal"]
    assert [row[0] for row in sheet.iter_rows(values_only=True)] == ["key", "p-1", "p-2"]
