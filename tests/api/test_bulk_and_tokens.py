"""Bulk dumps (files, manifest, serving, rebuild on change) and API tokens."""

import hashlib
import json

import pytest
from django.core.management import call_command

from lianghui.api.bulk import dumps
from lianghui.proposals.models import Proposal, Reply

pytestmark = pytest.mark.django_db


def test_dumps_hold_public_records_with_a_manifest(small_world, settings, client, conforms):
    Proposal.objects.filter(key="p-2").update(published=False)
    Reply.objects.update(published=False)
    call_command("dumps", "build")
    root = settings.LIANGHUI_DUMPS_DIR
    names = sorted(p.name for p in root.iterdir())
    assert names == ["consultations", "cppcc-2022", "npc-2022", "reference", "regulations"]
    manifest = json.loads((root / "npc-2022" / "manifest.json").read_text())
    assert manifest["schema_version"] == dumps.SCHEMA_VERSION and manifest["session"] == "npc-2022"
    for entry in manifest["files"]:
        data = (root / "npc-2022" / entry["name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert entry["bytes"] == len(data)
    records = [json.loads(line) for line in (root / "npc-2022" / "records.jsonl").open()]
    assert [r["key"] for r in records] == ["p-1"]  # p-2 is unpublished
    assert "replies" not in json.dumps(records)  # the reply is unpublished
    regulation = json.loads((root / "regulations" / "records.jsonl").read_text())
    assert regulation["related_proposals"] == ["p-1"]
    tables = {f["table"] for f in manifest["files"] if f["format"] == "csv"}
    assert {"proposal", "proposal_signers", "proposal_assignments_replies_feedback"} <= tables
    feedback = next(f for f in manifest["files"] if f.get("table", "").endswith("feedback"))
    # Comments are there only where the proposer published them (see
    # tests/proposals/test_visibility.py); transfer requests never are.
    assert {"comment", "comment_public"} <= set(feedback["columns"])
    assignments = next(f for f in manifest["files"] if f.get("table") == "proposal_assignments")
    assert not {"transfer_reason", "transfer_requested_on"} & set(assignments["columns"])

    index = client.get("/api/v1/bulk/")
    conforms(index, "/api/v1/bulk/")
    dump = next(d for d in index.json()["dumps"] if d["dump"] == "npc-2022")
    url = next(f["url"] for f in dump["files"] if f["name"] == "proposal.csv")
    got = client.get(url)
    assert got.status_code == 200 and got["Content-Type"].startswith("text/csv")
    body = b"".join(got.streaming_content)
    assert body.startswith(b"key,session,kind")
    assert client.get(url, HTTP_IF_NONE_MATCH=got["ETag"]).status_code == 304
    assert client.get("/api/v1/bulk/npc-2022/../../settings.py").status_code == 404
    assert client.get("/api/v1/bulk/npc-2022/nope.csv").status_code == 404
    assert client.get("/api/v1/bulk/npc-2022/manifest.json").status_code == 200


def test_dump_round_trips_through_the_importer(small_world, settings, tmp_path):
    call_command("dumps", "build")
    root = settings.LIANGHUI_DUMPS_DIR
    from lianghui.exchange.importer import import_files

    report = import_files(
        [str(root / n / "records.jsonl") for n in ("reference", "npc-2022", "regulations")]
    )
    assert report.created == {}  # everything is already there, unchanged
    assert not report.updated


def test_changes_enqueue_one_debounced_rebuild_per_session(small_world, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks_db.models import DBTaskResult

    from lianghui.api.tasks import build_session_dump, on_proposals_changed

    ids = set(Proposal.objects.values_list("id", flat=True))
    on_proposals_changed("proposals.Proposal", ids)
    on_proposals_changed("proposals.Proposal", ids)
    queued = DBTaskResult.objects.filter(task_path__endswith="build_session_dump")
    assert queued.count() == 1 and queued.get().args_kwargs["args"] == ["npc-2022"]
    assert queued.get().run_after is not None
    assert build_session_dump.call("npc-2022")["records.jsonl"] == 2


def test_tokens_command_and_revocation(accounts, api, client, capsys):
    call_command("tokens", "create", "m", "--name", "script")
    secret = capsys.readouterr().out.strip()
    assert secret.startswith("lh_")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert client.get("/api/v1/inbox/", **headers).status_code == 403  # a member, signed in
    call_command("tokens", "list", "m")
    listing = capsys.readouterr().out
    assert "script" in listing and secret not in listing
    token_id = listing.split("\t")[0]
    call_command("tokens", "revoke", token_id)
    assert client.get("/api/v1/bodies/", **headers).status_code == 401
    assert client.get("/api/v1/bodies/", HTTP_AUTHORIZATION="Bearer nonsense").status_code == 401


def test_token_page_creates_shows_once_and_revokes(accounts, client_for):
    from lianghui.api.models import Token

    client = client_for(accounts["agency"])
    page = client.post("/desk/tokens/", {"name": "agency system"})
    assert page.status_code == 200
    token = Token.objects.get(user=accounts["agency"])
    secret = page.context["secret"]
    assert secret.startswith(token.prefix) and secret.encode() in page.content
    assert secret.encode() not in client.get("/desk/tokens/").content
    client.post(f"/desk/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked is not None
    other = client_for(accounts["member"])
    assert other.post(f"/desk/tokens/{token.pk}/revoke/").status_code == 404
    assert client_for(None).get("/desk/tokens/").status_code == 302


def _queued_dumps():
    from django_tasks_db.models import DBTaskResult

    return sorted(
        (r.task_path.rsplit(".", 1)[1], r.args_kwargs["args"][0])
        for r in DBTaskResult.objects.filter(task_path__contains="dump")
    )


def test_reference_and_regulations_dumps_follow_their_records(
    transactional_db, small_world, settings, jsonl
):
    """Real commits (changes recorded with them), the worker's queue (the worker
    delivers the recorded changes, then runs the jobs)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from lianghui.api.tasks import build_shared_dump
    from lianghui.core.events import deliver_all
    from lianghui.exchange.importer import import_files

    member = {"type": "member", "key": "new-deputy", "name_zh": "新代表"}
    import_files([jsonl(member)])
    deliver_all()
    import_files([jsonl({**member, "name_en": "A new deputy"})])  # within the wait
    deliver_all()
    assert _queued_dumps() == [("build_shared_dump", "reference")]
    regulation = {"type": "regulation", "key": "new-rule", "title_zh": "新规定", "kind": "law"}
    import_files([jsonl(regulation)])
    deliver_all()
    assert _queued_dumps() == [
        ("build_shared_dump", "reference"),
        ("build_shared_dump", "regulations"),
    ]
    # The worker runs them: the new records are in the files.
    assert build_shared_dump.call("reference")["records.jsonl"] > 1
    build_shared_dump.call("regulations")
    root = settings.LIANGHUI_DUMPS_DIR
    assert "new-deputy" in (root / "reference" / "records.jsonl").read_text()
    assert "new-rule" in (root / "regulations" / "records.jsonl").read_text()


def test_a_proposal_related_to_a_regulation_rebuilds_the_regulations_dump(small_world, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from lianghui.api.tasks import on_proposals_changed

    related = Proposal.objects.get(key="p-1")
    assert related.regulations.exists()
    unrelated = Proposal.objects.filter(regulations__isnull=True).first()
    on_proposals_changed("proposals.Proposal", {unrelated.pk})
    assert _queued_dumps() == [("build_session_dump", unrelated.session.key)]
    on_proposals_changed("proposals.Proposal", {related.pk})
    assert ("build_shared_dump", "regulations") in _queued_dumps()


def test_old_idempotency_keys_are_pruned_daily(accounts, api):
    import datetime as dt

    from django.utils import timezone

    from lianghui.api.models import IdempotentRequest
    from lianghui.core.schedule import enqueue_due

    member = api("member")
    for key in ("old", "fresh"):
        r = member.post(
            "/api/v1/proposals/",
            {"session": "npc-2022", "kind": "npc-suggestion", "title_zh": key},
            format="json",
            HTTP_IDEMPOTENCY_KEY=key,
        )
        assert r.status_code == 201
    IdempotentRequest.objects.filter(key="old").update(
        created=timezone.now() - dt.timedelta(days=2)
    )
    at = timezone.make_aware(dt.datetime(2022, 6, 30, 4, 0))
    assert "idempotency-prune" in enqueue_due(at)  # the immediate backend runs it now
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["fresh"]
    assert "idempotency-prune" not in enqueue_due(at + dt.timedelta(hours=1))


def test_a_comment_made_private_leaves_its_sessions_dump_as_soon_as_a_withdrawn_reply(
    transactional_db, small_world, settings
):
    """A proposer's comment unpublished through the model (as the admin does) is a
    removal: its session's dump is rebuilt within REMOVAL_DEBOUNCE, not the
    edits' longer wait."""
    import datetime as dt

    from django.core.cache import cache
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from lianghui.api.tasks import REMOVAL_DEBOUNCE
    from lianghui.core.events import deliver_all
    from lianghui.proposals.models import Feedback

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.LIANGHUI_DUMPS_DEBOUNCE = 300
    feedback = Feedback.objects.select_related("reply__assignment__proposal__session").get()
    feedback.comment, feedback.comment_public = "The reply missed the point.", True
    feedback.save()
    deliver_all()
    DBTaskResult.objects.all().delete()
    cache.clear()  # no rebuild waiting: the next change enqueues its own
    feedback.comment_public = False
    feedback.save()
    deliver_all()
    jobs = DBTaskResult.objects.filter(task_path__endswith="build_session_dump")
    assert {tuple(j.args_kwargs["args"]) for j in jobs} == {
        (feedback.reply.assignment.proposal.session.key,)
    }
    soonest = min(j.run_after for j in jobs)
    assert soonest <= timezone.now() + dt.timedelta(seconds=REMOVAL_DEBOUNCE)
