"""A withdrawn comment leaves every public channel: search, the consultation's
feed, the API and the bulk dump; an unmoderated one never reaches them."""

import json

import pytest
from django.core.management import call_command

from lianghui.api.bulk import dumps
from lianghui.consultations import services
from lianghui.search import selectors as search
from tests.test_derived_copies import _Sink
from tests.workers import run_worker

from .conftest import DURING, article

pytestmark = pytest.mark.django_db(transaction=True)

WORDS = "骑手连续送单十二小时没有休息 okapi"


def _found(query: str) -> set[str]:
    return {h.doc.doc_type for h in search.search(query=query, page=1, with_facets=False).hits}


def _dumped() -> str:
    return (dumps.dumps_dir() / dumps.CONSULTATIONS / dumps.RECORDS).read_text()


def test_withdrawn_comment_leaves_search_feeds_api_and_dumps(
    consultation, accounts, client, client_for, settings, tmp_path
):
    settings.LIANGHUI_API_CACHE_SECONDS = 0
    settings.LIANGHUI_DUMPS_DIR = tmp_path / "dumps"
    worker = accounts["watcher"]
    c = services.comment_create(
        consultation=consultation,
        author=worker,
        capacity="worker",
        text=WORDS,
        provision=article(consultation, "第二条"),
        now=DURING,
    )
    dumps.build_consultations()
    # Awaiting moderation: in no public channel.
    assert "comment" not in _found("okapi")
    assert "okapi" not in client.get("/feeds/consultations/pipl-draft/").content.decode()
    assert client.get(f"/api/v1/consultation-comments/{c.pk}/").status_code == 404
    assert "okapi" not in _dumped()

    services.comment_moderate(comment=c, moderator=accounts["office"], decision="published")
    dumps.build_consultations()
    assert "comment" in _found("okapi")
    assert "okapi" in client.get("/feeds/consultations/pipl-draft/").content.decode()
    listed = client.get("/api/v1/consultation-comments/", {"consultation": "pipl-draft"}).json()
    assert [r["id"] for r in listed["results"]] == [c.pk]
    assert listed["results"][0]["capacity"] == "worker"
    assert "okapi" in _dumped()

    # Background jobs as in production: queued, then run by the worker.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.LIANGHUI_DUMPS_DEBOUNCE = 0
    services.comment_withdraw(comment=c, author=worker, now=DURING)
    # Removals show at the writer's commit, before any worker runs.
    assert "comment" not in _found("okapi")
    assert client.get(f"/api/v1/consultation-comments/{c.pk}/").status_code == 404
    run_worker("scenario")
    assert "comment" not in _found("okapi")
    assert "okapi" not in client.get("/feeds/consultations/pipl-draft/").content.decode()
    assert client.get(f"/api/v1/consultation-comments/{c.pk}/").status_code == 404
    assert client.get("/api/v1/consultation-comments/").json()["results"] == []
    assert "okapi" not in _dumped()
    out = _Sink()
    call_command("verify", stdout=out)
    assert "search: no drift" in out.text and "dumps: no drift" in out.text
    assert json.loads(_dumped().splitlines()[0])["key"] == "pipl-draft"


def test_comment_writes_through_the_api_with_a_token_and_idempotency(
    consultation, accounts, client
):
    from django.utils import timezone
    from rest_framework.test import APIClient

    from lianghui.api.tokens.services import token_create

    today = timezone.localdate()
    consultation.opens_on, consultation.closes_on = today, today
    consultation.save()
    _token, secret = token_create(user=accounts["watcher"], name="t")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    body = {"capacity": "union", "text": "工会意见", "organization_name": "某区快递行业工会"}
    url = "/api/v1/consultations/pipl-draft/comments/"
    first = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    again = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == 201 and again.json() == first.json()
    pk = first.json()["id"]
    assert first.json()["status"] == "pending"
    assert consultation.comments.count() == 1  # the replay made nothing new
    edited = api.post(
        f"{url}{pk}/edit/", {"capacity": "union", "text": "改过的意见"}, format="json"
    )
    assert edited.status_code == 200 and edited.json()["text"] == "改过的意见"
    # Someone else's comment is not theirs to withdraw.
    other = APIClient()
    _t, other_secret = token_create(user=accounts["member"], name="t")
    other.credentials(HTTP_AUTHORIZATION=f"Bearer {other_secret}")
    assert other.post(f"{url}{pk}/withdraw/", {}, format="json").status_code == 404
    gone = api.post(f"{url}{pk}/withdraw/", {}, format="json")
    assert gone.status_code == 200 and gone.json()["status"] == "withdrawn"
    assert client.post(url, body, content_type="application/json").status_code in (401, 403)
