"""Characters XML and PostgreSQL refuse are cleaned on every way in: an import,
a web form, an API body, a query string (core.text)."""

import json

import pytest
from django.test import Client

from lianghui.core.text import clean
from lianghui.exchange.importer import ImportFailed, import_files
from lianghui.people.models import Member
from lianghui.proposals.models import Proposal

pytestmark = pytest.mark.django_db

DIRTY = "第一行\x0b第二行\x0cpage\x00\x01\x1f\ufffe end\ud800"


def test_clean_keeps_breaks_as_line_breaks_and_drops_the_rest():
    assert clean(DIRTY) == "第一行\n第二行\npage end"
    assert clean("tab\tline\ncr\r") == "tab\tline\ncr\r"


def test_an_import_cleans_text_and_refuses_such_keys(small_world, jsonl):
    # json.dumps escapes the lone surrogate as \ud800, as a file would carry it.
    import_files([jsonl(json.dumps({"type": "member", "key": "m-dirty", "name_zh": DIRTY}))])
    assert Member.objects.get(key="m-dirty").name_zh == "第一行\n第二行\npage end"
    with pytest.raises(ImportFailed) as failed:
        import_files([jsonl({"type": "member", "key": "m-\x0bx", "name_zh": "x"})])
    assert "key" in str(failed.value)


def test_forms_and_the_api_store_clean_text(accounts, client_for):
    member = client_for(accounts["member"])
    response = member.post(
        "/api/v1/proposals/",
        {"session": "npc-2022", "kind": "npc-suggestion", "title_zh": DIRTY},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    created = Proposal.objects.get(key=response.json()["key"])
    assert created.title_zh == "第一行\n第二行\npage end"
    page = member.post(
        "/desk/member/new/",
        {"session": created.session_id, "kind": created.kind_id, "title_zh": "表单\x0b\x00标题"},
    )
    assert page.status_code in {200, 302}
    assert Proposal.objects.filter(title_zh="表单\n标题").exists()


def test_query_strings_reach_views_clean(small_world):
    client = Client()
    page = client.get("/members/?q=%E4%BB%A3%E8%A1%A8%00%0B")
    assert page.status_code == 200
    assert page.context["filters"].query == "代表"
    assert client.get("/proposals/%00/").status_code == 404
