"""A scripted run: records edited, unpublished and deleted through the admin and
through models' save()/delete(), then the worker's pending work; every public
channel (search results, search feeds, the API's detail and list, the bulk dumps)
follows, and `lianghui verify` finds no drift."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lianghui.api.bulk import dumps
from lianghui.api.read import public
from lianghui.core import events
from lianghui.core.models import Change
from lianghui.proposals.models import Proposal, Reply
from lianghui.search.services import rebuild
from tests.workers import run_worker

from .api import scenarios as sc

pytestmark = pytest.mark.django_db(transaction=True)

KEYS = ["keep-edit", "reply-off", "admin-del", "shell-off", "reply-del", "qs-del"]


@pytest.fixture
def world(small_world, accounts, settings):
    settings.LIANGHUI_API_CACHE_SECONDS = 0
    for key in KEYS:
        p = sc.rated(key)
        Proposal.objects.filter(pk=p.pk).update(title_en=f"Scenario {key} zebra")
        Reply.objects.filter(assignment__proposal=p).update(text_en=f"Answer for {key} okapi")
    rebuild()
    public.render_all()
    dumps.build_all()
    call_command("verify", stdout=_Sink())  # no drift to begin with
    return accounts


class _Sink:
    def __init__(self):
        self.text = ""

    def write(self, s):
        self.text += s

    def flush(self):
        pass


def _admin_data(page) -> dict:
    """The admin change form as the browser would post it back, inlines included."""
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        forms.append(inline.formset.management_form)
        forms += list(inline.formset.forms)
    data = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is False or value is None:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value
    return data


def _found(query: str) -> set[str]:
    """Keys of the proposals a search finds, through their documents or replies'."""
    from lianghui.search import selectors

    results = selectors.search(query=query, page=1, with_facets=False)
    return {hit.doc.key for hit in results.hits}


def _dumped(session="npc-2022") -> dict:
    path = dumps.dumps_dir() / session / dumps.RECORDS
    return {r["key"]: r for r in map(json.loads, path.read_text().splitlines())}


def test_every_public_channel_follows_admin_and_shell_writes(world, client_for, client, settings):
    admin = client_for(world["admin"])
    # Background jobs as in production: queued in the database, run by the worker.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.LIANGHUI_DUMPS_DEBOUNCE = 0
    p = {key: Proposal.objects.get(key=key) for key in KEYS}

    # Through the admin: an edit, a reply unpublished, a proposal deleted.
    url = f"/admin/proposals/proposal/{p['keep-edit'].pk}/change/"
    data = _admin_data(admin.get(url)) | {"title_en": "Scenario renamed giraffe"}
    response = admin.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    reply = Reply.objects.get(assignment__proposal=p["reply-off"])
    url = f"/admin/proposals/reply/{reply.pk}/change/"
    data = _admin_data(admin.get(url))
    data.pop("published")
    response = admin.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    url = f"/admin/proposals/proposal/{p['admin-del'].pk}/delete/"
    assert admin.post(url, {"post": "yes"}).status_code == 302

    # Through the models, as in a shell.
    shell = Proposal.objects.get(key="shell-off")
    shell.published = False
    shell.save()
    Reply.objects.get(assignment__proposal=p["reply-del"]).delete()
    Proposal.objects.filter(key="qs-del").delete()

    assert Change.objects.exists()  # recorded, waiting for the worker
    run_worker("scenario")
    assert not Change.objects.exists()

    gone = ["admin-del", "shell-off", "qs-del"]
    # Search results and the search feed.
    assert _found("zebra") == {"reply-off", "reply-del"}  # keep-edit was renamed
    assert _found("okapi") == {"keep-edit"}  # only its reply is still public
    assert _found("giraffe") == {"keep-edit"}
    feed = client.get("/feeds/search/", {"q": "zebra"}).content.decode()
    for key in gone:
        assert f"Scenario {key} zebra" not in feed and f"/{key}/" not in feed
    assert "Scenario reply-off zebra" in feed

    # The API, detail and list, served from stored documents again.
    for key in gone:
        assert client.get(f"/api/v1/proposals/{key}/").status_code == 404
    listed = client.get("/api/v1/proposals/", {"limit": 500}).json()["results"]
    assert not {r["key"] for r in listed} & set(gone)
    for key in ("reply-off", "reply-del"):
        stored = Proposal.objects.get(key=key).public_document.full
        assert f"{key} okapi" not in stored
        assert f"{key} okapi" not in client.get(f"/api/v1/proposals/{key}/").content.decode()
    assert "giraffe" in Proposal.objects.get(key="keep-edit").public_document.full

    # The bulk dump of the session.
    dumped = _dumped()
    assert not set(dumped) & set(gone)
    assert dumped["keep-edit"]["title_en"] == "Scenario renamed giraffe"
    for key in ("reply-off", "reply-del"):
        assert "okapi" not in json.dumps(dumped[key], ensure_ascii=False)

    out = _Sink()
    call_command("verify", stdout=out)
    assert "search: no drift" in out.text and "dumps: no drift" in out.text


def test_removals_leave_search_and_the_api_at_the_commit(world, client, settings):
    """Before any worker runs: the writer's own commit drops what left the public."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    shell = Proposal.objects.get(key="shell-off")
    shell.published = False
    shell.save()
    Reply.objects.get(assignment__proposal__key="reply-off").delete()
    assert "shell-off" not in _found("zebra")
    assert "reply-off" not in _found("okapi")
    assert client.get("/api/v1/proposals/shell-off/").status_code == 404


def test_verify_reports_drift_by_record_and_repairs_it(world):
    from lianghui.api.models import PublicProposal
    from lianghui.search.models import SearchDocument

    hidden = Proposal.objects.get(key="shell-off")
    # Behind the change stream's back: a raw update reports nothing.
    Proposal.objects.filter(pk=hidden.pk).update(published=False, title_en="Quietly changed")
    Change.objects.all().delete()
    out = _Sink()
    with pytest.raises(CommandError):
        call_command("verify", stdout=out)
    assert f"proposals.Proposal:{hidden.pk} (shell-off)" in out.text
    assert "extra: not public" in out.text
    assert "npc-2022: proposal:shell-off" in out.text
    call_command("verify", repair=True, stdout=_Sink())
    assert not PublicProposal.objects.filter(proposal=hidden).exists()
    assert not SearchDocument.objects.filter(doc_type="proposal", object_id=hidden.pk).exists()
    assert "shell-off" not in _dumped()
    call_command("verify", stdout=_Sink())  # clean now


def test_every_write_is_recorded_in_the_writers_transaction(world, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    Change.objects.all().delete()
    reply = Reply.objects.get(assignment__proposal__key="reply-off")
    reply.published = False
    reply.save()
    recorded = {(c.label, i) for c in Change.objects.all() for i in c.ids}
    assert ("proposals.Reply", reply.pk) in recorded
    assert ("proposals.Proposal", reply.assignment.proposal_id) in recorded
    Change.objects.all().delete()
    # A rolled-back write leaves nothing behind.
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        Proposal.objects.get(key="keep-edit").delete()
        raise RuntimeError
    assert not Change.objects.exists()
    assert events.pending_count() == 0
