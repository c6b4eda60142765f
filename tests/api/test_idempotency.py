"""One Idempotency-Key, one effect: simultaneous or sequential, on both databases."""

import datetime as dt
import threading

import pytest
from django.db import connections
from django.utils import timezone
from rest_framework.test import APIClient

from lianghui.api.models import IdempotentRequest
from lianghui.api.tokens import idempotency
from lianghui.core.models import AuditEntry
from lianghui.proposals.models import Proposal

NEW = {"session": "npc-2022", "kind": "npc-suggestion", "title_zh": "重试的建议"}


def _post_together(secret: str, n: int, key: str):
    """n clients post the same draft with the same key at the same moment."""
    barrier = threading.Barrier(n)
    answers: list = [None] * n

    def run(i):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        try:
            barrier.wait()
            response = client.post(
                "/api/v1/proposals/", NEW, format="json", HTTP_IDEMPOTENCY_KEY=key
            )
            answers[i] = (response.status_code, response.json())
        except Exception as exc:  # noqa: BLE001 - the outcome is what we assert
            answers[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return answers


@pytest.mark.django_db(transaction=True)
def test_five_simultaneous_posts_with_one_key_create_one_draft(small_world, tokens):
    answers = _post_together(tokens["member"], 5, "same-key")
    assert not [a for a in answers if not isinstance(a, tuple)], answers
    assert Proposal.objects.filter(title_zh=NEW["title_zh"]).count() == 1
    created = [body for code, body in answers if code == 201]
    # Each answer is the one effect (replayed) or "still running, retry" - never a second one.
    assert created and {b["key"] for b in created} == {created[0]["key"]}
    assert {code for code, _b in answers} <= {201, 409}
    for code, body in answers:
        if code == 409:  # "retry": the key is in flight, or the database was busy
            assert body["code"] in {"idempotency_key_in_flight", "concurrent_change"}
    # A retry after the dust settles replays the same draft.
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['member']}")
    again = client.post("/api/v1/proposals/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="same-key")
    assert again.status_code == 201 and again.json()["key"] == created[0]["key"]
    assert Proposal.objects.filter(title_zh=NEW["title_zh"]).count() == 1


@pytest.mark.django_db
def test_a_request_in_flight_is_not_run_twice(small_world, accounts, api):
    client = api("member")
    # Another request with this key has claimed it and is still running.
    IdempotentRequest.objects.create(
        user=accounts["member"],
        key="busy",
        request_hash=idempotency.request_hash(_fake_request(NEW)),
        status=None,
    )
    before = Proposal.objects.count()
    response = client.post("/api/v1/proposals/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="busy")
    assert response.status_code == 409 and response["Retry-After"]
    assert response.json()["code"] == "idempotency_key_in_flight"
    assert Proposal.objects.count() == before
    # The same key with another body is a misuse, running or not.
    other = client.post(
        "/api/v1/proposals/", {**NEW, "title_zh": "另一条"}, format="json",
        HTTP_IDEMPOTENCY_KEY="busy",
    )  # fmt: skip
    assert other.status_code == 422


@pytest.mark.django_db
def test_pruning_removes_only_expired_records(small_world, accounts, api):
    client = api("member")
    first = client.post("/api/v1/proposals/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="live")
    assert first.status_code == 201
    old = IdempotentRequest.objects.create(
        user=accounts["member"], key="old", request_hash="x", status=201, body={}
    )
    IdempotentRequest.objects.filter(pk=old.pk).update(
        created=timezone.now() - idempotency.KEEP_FOR - dt.timedelta(minutes=1)
    )
    # Another request (with another key) and the daily prune leave the live record.
    client.post("/api/v1/proposals/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="other")
    assert idempotency.prune() == 1
    again = client.post("/api/v1/proposals/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="live")
    assert again.status_code == 201 and again.json()["key"] == first.json()["key"]
    assert again["Idempotent-Replayed"] == "true"


@pytest.mark.django_db
def test_an_abandoned_claim_or_an_expired_record_frees_the_key(small_world, accounts, api):
    client = api("member")
    user = accounts["member"]
    stale = timezone.now() - idempotency.ABANDONED_AFTER - dt.timedelta(seconds=1)
    claim = IdempotentRequest.objects.create(user=user, key="dead", request_hash="x", status=None)
    IdempotentRequest.objects.filter(pk=claim.pk).update(created=stale)
    response = client.post("/api/v1/proposals/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="dead")
    assert response.status_code == 201
    assert IdempotentRequest.objects.get(user=user, key="dead").status == 201


@pytest.mark.django_db
def test_a_refused_request_releases_its_claim_and_leaves_nothing(small_world, api):
    client = api("member")
    before = (Proposal.objects.count(), AuditEntry.objects.count())
    bad = client.post(
        "/api/v1/proposals/", {**NEW, "session": "cppcc-2022", "kind": "cppcc-proposal"},
        format="json", HTTP_IDEMPOTENCY_KEY="k",
    )  # fmt: skip
    assert bad.status_code == 400
    assert not IdempotentRequest.objects.filter(key="k").exists()
    assert (Proposal.objects.count(), AuditEntry.objects.count()) == before


def _fake_request(body: dict):
    import json

    class R:
        method = "POST"
        path = "/api/v1/proposals/"

    r = R()
    r.body = json.dumps(body).encode()
    return r


@pytest.mark.django_db
def test_a_retry_arriving_while_the_first_runs_does_not_run_again(small_world, accounts, api):
    """The interleaving of simultaneous requests, made deterministic: a retry with
    the same key arrives while the first request is still running (inside it)."""
    from lianghui.proposals import services

    client = api("member")
    create = services.proposal_create
    inner: list = []

    def create_while_a_retry_arrives(**kwargs):
        if not inner:
            inner.append(None)
            retry = client.post("/api/v1/proposals/", NEW, format="json",
                                HTTP_IDEMPOTENCY_KEY="overlap")  # fmt: skip
            inner[0] = (retry.status_code, retry.json()["code"])
        return create(**kwargs)

    services.proposal_create = create_while_a_retry_arrives
    try:
        first = client.post("/api/v1/proposals/", NEW, format="json",
                            HTTP_IDEMPOTENCY_KEY="overlap")  # fmt: skip
    finally:
        services.proposal_create = create
    assert first.status_code == 201
    assert inner == [(409, "idempotency_key_in_flight")]
    assert Proposal.objects.filter(title_zh=NEW["title_zh"]).count() == 1
    again = client.post("/api/v1/proposals/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="overlap")
    assert again.status_code == 201 and again.json()["key"] == first.json()["key"]
