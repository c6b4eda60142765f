"""Import: every bad input is refused whole, with the file, line and field named."""

import io
import json

import pytest

from lianghui.exchange.exporter import export_jsonl
from lianghui.exchange.importer import ImportFailed, import_files
from lianghui.laws.models import Regulation
from lianghui.people.models import Member, Organization
from lianghui.proposals.models import Assignment, Proposal, Signer

pytestmark = pytest.mark.django_db

BODY = {"type": "body", "key": "npc", "name_en": "NPC"}
KIND = {"type": "proposal_kind", "key": "npc-s", "body": "npc", "code": "suggestion"}
SESSION = {
    "type": "session",
    "key": "npc-2022",
    "body": "npc",
    "term": 13,
    "number": 5,
    "year": 2022,
}
MEMBER = {"type": "member", "key": "m1", "name_zh": "代表", "memberships": [{"body": "npc"}]}


def proposal(key="p1", **extra):
    rec = {
        "type": "proposal",
        "key": key,
        "session": "npc-2022",
        "kind": "npc-s",
        "title_zh": f"建议 {key}",
        "signers": [{"member": "m1"}],
    }
    rec.update(extra)
    return rec


def failure(*paths) -> ImportFailed:
    with pytest.raises(ImportFailed) as caught:
        import_files(list(paths))
    return caught.value


def nothing_written():
    assert not Proposal.objects.exists()
    assert not Member.objects.exists()


def test_a_clean_file_imports_everything(jsonl):
    path = jsonl(BODY, KIND, SESSION, MEMBER, proposal())
    report = import_files([path])
    assert report.created == {
        "body": 1,
        "proposal_kind": 1,
        "session": 1,
        "member": 1,
        "proposal": 1,
    }
    p = Proposal.objects.get(key="p1")
    assert p.signers.get().member.key == "m1"


def test_malformed_json_names_the_line_and_writes_nothing(jsonl):
    path = jsonl(BODY, KIND, SESSION, MEMBER, '{"type": "proposal", "key": ')
    error = failure(path)
    assert str(error.errors[0]).startswith(f"{path.rsplit('/', 1)[1]}:5: is not valid JSON")
    nothing_written()


def test_wrong_type_names_the_field(jsonl):
    path = jsonl(BODY, KIND, SESSION, {**SESSION, "key": "s2", "number": "five"})
    error = failure(path)
    assert (error.errors[0].line, error.errors[0].field) == (4, "number")
    assert "whole number" in error.errors[0].message


def test_nested_wrong_type_names_the_nested_field(jsonl):
    bad = proposal(
        assignments=[
            {"agency": "x", "role": "lead", "assigned_on": "2022-13-01", "due_on": "2022-06-01"}
        ]
    )
    error = failure(jsonl(BODY, KIND, SESSION, MEMBER, bad))
    assert error.errors[0].field == "assignments[0].assigned_on"
    assert "not a date" in error.errors[0].message


def test_unknown_reference_is_named(jsonl):
    path = jsonl(BODY, KIND, SESSION, MEMBER, proposal(topics=["no-such-topic"]))
    error = failure(path)
    assert error.errors[0].line == 5
    assert error.errors[0].field == "topics"
    assert "'no-such-topic'" in error.errors[0].message
    nothing_written()


def test_unknown_field_and_unknown_type(jsonl):
    error = failure(jsonl(BODY, {**MEMBER, "nmae_zh": "typo"}, {"type": "bill", "key": "x"}))
    assert [(e.line, e.field) for e in error.errors] == [(2, "nmae_zh"), (3, "type")]


def test_duplicate_record_key_names_both_lines(jsonl):
    error = failure(jsonl(BODY, MEMBER, {**MEMBER, "name_zh": "另一位"}))
    assert error.errors[0].line == 3
    assert "already appears at" in error.errors[0].message and ":2" in error.errors[0].message
    nothing_written()


def test_duplicate_field_in_one_object(jsonl):
    error = failure(jsonl(BODY, '{"type":"member","key":"m1","key":"m2","name_zh":"x"}'))
    assert (error.errors[0].line, error.errors[0].field) == (2, "key")
    assert "appears twice" in error.errors[0].message


def test_wrong_encoding_is_reported_with_its_line(jsonl):
    gbk = json.dumps(MEMBER, ensure_ascii=False).encode("gbk")
    error = failure(jsonl(BODY, gbk))
    assert error.errors[0].line == 2
    assert "not UTF-8" in error.errors[0].message
    nothing_written()


def test_a_utf8_byte_order_mark_is_accepted(jsonl):
    path = jsonl(b"\xef\xbb\xbf" + json.dumps(BODY).encode())
    assert import_files([path]).created == {"body": 1}


def test_bad_last_line_of_ten_thousand_writes_nothing(jsonl):
    members = [{"type": "member", "key": f"m{n}", "name_zh": f"代表{n}"} for n in range(9_999)]
    path = jsonl(BODY, *members[:-1], {"type": "member", "key": "last", "name_zh": 42})
    error = failure(path)
    assert (error.errors[0].line, error.errors[0].field) == (10_000, "name_zh")
    assert Member.objects.count() == 0


def test_rules_across_fields_are_checked(jsonl):
    two_leads = proposal(signers=[{"member": "m1"}, {"member": "m1", "role": "lead"}])
    reg = {
        "type": "regulation",
        "key": "r",
        "title_en": "R",
        "kind": "law",
        "published_on": "2022-01-04",
        "effective_on": "2021-03-01",
    }
    error = failure(jsonl(BODY, KIND, SESSION, MEMBER, two_leads, reg))
    assert [(e.line, e.field) for e in error.errors] == [
        (5, "signers"),
        (5, "signers[1]"),
        (6, "effective_on"),
    ]


def test_number_is_unique_per_session_and_kind(jsonl):
    path = jsonl(BODY, KIND, SESSION, MEMBER, proposal("a", number="7"), proposal("b", number="7"))
    error = failure(path)
    assert (error.errors[0].line, error.errors[0].field) == (6, "number")


def test_kind_must_belong_to_the_sessions_body(jsonl):
    other = {"type": "body", "key": "cppcc", "name_en": "CPPCC"}
    kind = {"type": "proposal_kind", "key": "cppcc-p", "body": "cppcc", "code": "proposal"}
    error = failure(jsonl(BODY, other, KIND, kind, SESSION, MEMBER, proposal(kind="cppcc-p")))
    assert error.errors[0].field == "kind"


def test_reimport_changes_nothing(jsonl, small_world):
    before = io.StringIO()
    export_jsonl(before)
    counts = (Proposal.objects.count(), Signer.objects.count(), Assignment.objects.count())
    from tests.conftest import FIXTURES

    report = import_files([str(FIXTURES / "small_world.jsonl")])
    assert report.created == {} and report.updated == {}
    after = io.StringIO()
    export_jsonl(after)
    assert after.getvalue() == before.getvalue()
    assert counts == (Proposal.objects.count(), Signer.objects.count(), Assignment.objects.count())


def test_reimport_with_a_change_updates_in_place(jsonl, small_world):
    p1 = Proposal.objects.get(key="p-1")
    path = jsonl(
        proposal(
            "p-1",
            session="npc-2022",
            kind="npc-suggestion",
            title_zh="新标题",
            signers=[{"member": "deputy-b"}],
        )
    )
    report = import_files([path])
    assert report.updated == {"proposal": 1}
    p1.refresh_from_db()
    assert p1.title_zh == "新标题"
    assert [s.member.key for s in p1.signers.all()] == ["deputy-b"]
    assert not p1.assignments.exists()  # the new record has none
    # the proposal kept its identity: what pointed at it still does
    assert Proposal.objects.get(key="p-2").merged_into_id == p1.pk
    assert Regulation.objects.get(key="pipl").related_proposals.get() == p1


def test_merged_into_may_point_forward(jsonl):
    merged = {"status": "merged", "published": True, "review": {"decision": "merged"}}
    filed = {"status": "filed", "published": True, "review": {"decision": "filed"}}
    path = jsonl(
        BODY,
        KIND,
        SESSION,
        MEMBER,
        proposal("a", merged_into="b", **merged),
        proposal("b", **filed),
    )
    import_files([path])
    assert Proposal.objects.get(key="a").merged_into.key == "b"


def test_merged_into_unknown_is_an_error(jsonl):
    merged = {"status": "merged", "published": True}
    error = failure(jsonl(BODY, KIND, SESSION, MEMBER, proposal("a", merged_into="zzz", **merged)))
    assert (error.errors[0].line, error.errors[0].field) == (5, "merged_into")
    nothing_written()


def test_parents_in_the_same_batch_resolve(jsonl):
    orgs = [{"type": "organization", "key": "root", "name_en": "Root", "kind": "agency"}]
    orgs += [
        {
            "type": "organization",
            "key": f"c{n}",
            "name_en": f"C{n}",
            "kind": "agency",
            "parent": "root" if n == 0 else f"c{n - 1}",
        }
        for n in range(5)
    ]
    import_files([jsonl(*orgs)])
    assert Organization.objects.get(key="c4").parent.parent.key == "c2"


def test_missing_file_is_reported(tmp_path):
    error = failure(str(tmp_path / "nope.jsonl"))
    assert "cannot be read" in str(error)


def test_a_large_import_refreshes_the_planner_s_statistics(jsonl, monkeypatch):
    """A bulk load leaves the planner's figures behind (on PostgreSQL a lookup of
    one proposal's replies was planned as a scan of them all): an import of
    ANALYZE_AFTER rows or more refreshes them, a small one does not."""
    from django.db import connection

    from lianghui.exchange import importer

    refreshed = []
    real = importer.refresh_statistics
    monkeypatch.setattr(importer, "refresh_statistics", lambda: refreshed.append(real()))
    monkeypatch.setattr(importer, "ANALYZE_AFTER", 6)
    import_files([jsonl(BODY, KIND, SESSION, MEMBER, proposal())])
    assert refreshed == []
    import_files([jsonl(proposal("p2"), proposal("p3"), proposal("p4"), proposal("p5"))])
    assert refreshed == []  # 4 rows (and their signers) written: below the mark
    import_files([jsonl(*(proposal(f"q{i}") for i in range(6)))])
    assert refreshed == [None]
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'proposals_proposal'")
            assert cur.fetchone()[0] > 0
