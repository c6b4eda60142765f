"""A body's switched-off functions (`Body.algorithms_off`) name functions of the
register of algorithms that can be switched off per body: a typed key that names
none is refused, in the admin and in the import format, naming the field, the key
and the keys there are."""

import io

import pytest
from django.core.exceptions import ValidationError

from lianghui.exchange.exporter import export_jsonl
from lianghui.exchange.importer import ImportFailed, import_files
from lianghui.insights import algorithms
from lianghui.proposals.models import Body

pytestmark = pytest.mark.django_db

BODY = {"type": "body", "key": "commons", "name_en": "House of Commons", "kind": "parliament"}


def test_the_keys_are_those_a_body_can_switch_off():
    keys = algorithms.switchable_keys()
    assert {"similar_proposals", "interest_flags", "topics"} <= set(keys)
    assert "search_ranking" not in keys  # the same for every body


def test_the_model_refuses_an_unknown_key_and_lists_the_valid_ones():
    body = Body(key="b", name_en="B", algorithms_off=["similar_proposals", "simlar_proposal"])
    with pytest.raises(ValidationError) as caught:
        body.full_clean()
    message = " ".join(caught.value.message_dict["algorithms_off"])
    assert "algorithms_off" in message and "simlar_proposal" in message
    assert "interest_flags" in message and "similar_proposals" in message
    body.algorithms_off = ["search_ranking"]
    with pytest.raises(ValidationError, match="search_ranking"):
        body.full_clean()
    body.algorithms_off = "interest_flags"
    with pytest.raises(ValidationError, match="list of keys"):
        body.full_clean()
    body.algorithms_off = ["interest_flags", "similar_proposals"]
    body.full_clean()
    body.algorithms_off = []
    body.full_clean()


def test_the_admin_refuses_it_at_the_field(small_world, accounts, client_for):
    admin = client_for(accounts["admin"])
    body = Body.objects.get(key="npc")
    url = f"/admin/proposals/body/{body.pk}/change/"
    page = admin.get(url)
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: v for k, v in data.items() if v is not None and v is not False}
    data = {k: ("on" if v is True else v) for k, v in data.items()}
    for inline in page.context["inline_admin_formsets"]:
        fs = inline.formset
        data |= {
            fs.management_form.add_prefix(n): fs.management_form[n].value()
            for n in fs.management_form.fields
        }
        for f in fs.forms:
            data |= {f.add_prefix(n): f[n].value() for n in f.fields if f[n].value() is not None}
    response = admin.post(url, data | {"algorithms_off": '["duplicats"]'})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["algorithms_off"]
    assert "duplicats" in errors[0] and "duplicates" in errors[0]
    body.refresh_from_db()
    assert body.algorithms_off == []
    response = admin.post(url, data | {"algorithms_off": '["duplicates"]'})
    assert response.status_code == 302
    body.refresh_from_db()
    assert body.algorithms_off == ["duplicates"]


def test_the_import_refuses_it_whole_naming_the_line(jsonl):
    path = jsonl(
        BODY | {"algorithms_off": ["interest_flags"]},
        BODY | {"key": "lords", "name_en": "Lords", "algorithms_off": ["interest_flag"]},
    )
    with pytest.raises(ImportFailed) as caught:
        import_files([path])
    assert not Body.objects.exists()  # all or nothing
    (error,) = [str(e) for e in caught.value.errors]
    assert ":2" in error and "algorithms_off" in error and "'interest_flag'" in error
    assert "interest_flags" in error and "similar_proposals" in error


def test_it_travels_in_the_format_and_is_left_out_when_empty(jsonl):
    import_files([jsonl(BODY | {"algorithms_off": ["similar_proposals", "interest_flags"]})])
    assert Body.objects.get().algorithms_off == ["interest_flags", "similar_proposals"]
    out = io.StringIO()
    export_jsonl(out, ["body"])
    assert '"algorithms_off":["interest_flags","similar_proposals"]' in out.getvalue()
    Body.objects.update(algorithms_off=[])
    out = io.StringIO()
    export_jsonl(out, ["body"])
    assert "algorithms_off" not in out.getvalue()
