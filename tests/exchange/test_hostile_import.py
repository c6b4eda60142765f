"""Hostile and inconsistent input: every one is refused whole, with file, line and
field, never a traceback; and imports hold records to the services' rules."""

import json

import pytest
from django.core.management import CommandError, call_command

from lianghui.exchange.importer import ImportFailed, import_files
from lianghui.exchange.schema import MAX_LINE, MAX_TEXT
from lianghui.people.models import Member
from lianghui.proposals.models import Proposal

from .test_importer import BODY, KIND, MEMBER, SESSION, proposal

pytestmark = pytest.mark.django_db


def refused(*paths):
    """The import fails, names file:line, prints, and leaves nothing behind."""
    with pytest.raises(ImportFailed) as caught:
        import_files(list(paths))
    error = caught.value
    str(error).encode("utf-8")  # printable: a lone surrogate in the file is shown escaped
    assert not Proposal.objects.exists() and not Member.objects.exists()
    return error.errors[0]


def where(error):
    return error.line, error.field


@pytest.mark.parametrize(
    "line, field",
    [
        ('"title_zh": "\\ud800"', "title_zh"),
        ('"topics": ["\\ud83d"]', "topics"),
        ('"\\ud800": 1', "\ud800"),
    ],
)
def test_a_lone_surrogate_or_nul_is_refused_with_its_field(jsonl, line, field):
    raw = json.dumps(proposal())[:-1] + ", " + line + "}"
    error = refused(jsonl(BODY, KIND, SESSION, MEMBER, raw))
    assert where(error) == (5, field)


def test_free_text_loses_a_lone_surrogate_or_nul_and_keeps_the_rest(jsonl):
    """Free text is cleaned like every input (core.text.clean), not refused: what
    the writer meant stays, what no output could carry goes."""
    raw = json.dumps(proposal())[:-1] + ', "text_en": "ok \\udfff", "title_en": "a\\u0000b"}'
    import_files([jsonl(BODY, KIND, SESSION, MEMBER, raw)])
    p = Proposal.objects.get()
    assert (p.text_en, p.title_en) == ("ok ", "ab")


def test_a_lone_surrogate_in_a_reference_is_refused(jsonl):
    raw = json.dumps(proposal(session="npc-2022"))[:-1] + ', "key_supervisor": "\\ud800"}'
    assert where(refused(jsonl(BODY, KIND, SESSION, MEMBER, raw))) == (5, "key_supervisor")


def test_deeply_nested_json_is_refused_with_its_line(jsonl):
    deep = '{"type": "member", "key": "x", "bio_zh": ' + "[" * 100_000 + "]" * 100_000 + "}"
    error = refused(jsonl(BODY, deep))
    assert error.line == 2 and "nested" in error.message


def test_a_field_over_its_size_limit_is_refused(jsonl):
    big = proposal(text_zh="字" * (MAX_TEXT + 1))
    error = refused(jsonl(BODY, KIND, SESSION, MEMBER, big))
    assert where(error) == (5, "text_zh") and f"{MAX_TEXT}" in error.message


def test_a_line_over_its_size_limit_is_refused_unread(tmp_path):
    path = tmp_path / "huge.jsonl"
    with open(path, "wb") as out:
        for rec in (BODY, KIND, SESSION, MEMBER):
            out.write(json.dumps(rec).encode() + b"\n")
        # 50 MB in one field: refused by its line's size, before it is parsed.
        out.write(b'{"type": "proposal", "key": "p1", "text_zh": "' + b"a" * 50_000_000 + b'"}\n')
        out.write(json.dumps(proposal("p2")).encode() + b"\n")
    error = refused(str(path))
    assert error.line == 5 and f"{MAX_LINE:,}" in error.message


@pytest.mark.parametrize(
    "extra, field",
    [
        ({"status": "draft", "published": True}, "published"),
        ({"status": "under_review", "is_key": True}, "is_key"),
        ({"status": "filed", "published": True, "merged_into": "p0"}, "merged_into"),
        ({"status": "merged", "published": True}, "merged_into"),
        ({"status": "not_filed", "review": {"decision": "filed"}}, "review.decision"),
        ({"status": "submitted", "review": {"decision": "filed"}}, "review.decision"),
        (
            {
                "status": "filed",
                "published": True,
                "assignments": [
                    {"agency": "x", "role": "lead", "assigned_on": "2022-04-01",
                     "due_on": "2022-07-01"}
                ],
            },
            "assignments",
        ),
    ],
)  # fmt: skip
def test_a_status_contradicted_by_other_fields_is_refused(jsonl, extra, field):
    error = refused(jsonl(BODY, KIND, SESSION, MEMBER, proposal(**extra)))
    assert where(error) == (5, field)


def test_signers_need_a_seat_in_the_sessions_body(jsonl):
    cppcc = {"type": "body", "key": "cppcc", "name_en": "CPPCC"}
    outsider = {**MEMBER, "key": "m2", "memberships": [{"body": "cppcc"}]}
    group = {
        "type": "organization", "key": "g", "name_en": "G", "kind": "delegation", "body": "cppcc",
    }  # fmt: skip
    signers = [{"member": "m1"}, {"member": "m2", "role": "cosigner"}]
    error = refused(jsonl(BODY, cppcc, KIND, SESSION, MEMBER, outsider, proposal(signers=signers)))
    assert where(error) == (7, "signers[1].member")
    error = refused(
        jsonl(BODY, cppcc, KIND, SESSION, MEMBER, group, proposal(signers=[{"group": "g"}]))
    )
    assert where(error) == (7, "signers[0].group")


@pytest.mark.parametrize("target", ["draft", "under_review", "merged"])
def test_merge_targets_obey_the_services_rule(jsonl, target):
    statuses = {
        "draft": {},
        "under_review": {"status": "under_review"},
        "merged": {"status": "merged", "published": True, "merged_into": "c"},
    }
    filed = {"status": "filed", "published": True}
    merged = {"status": "merged", "published": True, "merged_into": "b"}
    error = refused(
        jsonl(
            BODY, KIND, SESSION, MEMBER,
            proposal("a", **merged), proposal("b", **statuses[target]), proposal("c", **filed),
        )
    )  # fmt: skip
    assert where(error) == (5, "merged_into")


# --- CSV through a mapping ---------------------------------------------------------------


def _import_csv(path):
    with pytest.raises(CommandError) as caught:
        call_command("import", "--mapping", "laws-prc", "--no-progress", str(path))
    return str(caught.value)


HEADER = "name,level,publish,valid_from,expired,category\n"


def test_a_gbk_csv_is_refused_with_its_line(tmp_path):
    path = tmp_path / "laws.csv"
    path.write_bytes((HEADER + "数据安全法,法律,2021-06-10,2021-09-01,0,经济法\n").encode("gbk"))
    assert "laws.csv:2: is not UTF-8" in _import_csv(path)


def test_a_csv_field_past_the_csv_limit_is_refused_with_its_line(tmp_path):
    path = tmp_path / "laws.csv"
    path.write_text(HEADER + "a,法律,2021-06-10,,0,x\n" + '"' + "b" * 200_000 + '",法律,,,0,x\n')
    assert "laws.csv:3: is not valid CSV" in _import_csv(path)


def test_a_csv_missing_columns_or_file_is_refused(tmp_path):
    path = tmp_path / "laws.csv"
    path.write_text("name,level\n")
    assert "laws.csv:1: the header lacks the columns" in _import_csv(path)
    assert "nowhere.csv: cannot be read" in _import_csv(tmp_path / "nowhere.csv")


def test_a_ragged_csv_row_is_refused_with_its_line(tmp_path):
    path = tmp_path / "laws.csv"
    path.write_bytes(HEADER.encode() + b"a,b\n")
    assert "laws.csv:2: has another number of fields" in _import_csv(path)
