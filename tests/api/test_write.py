"""Writes by role: the permission matrix, strict input, conflicts, idempotency."""

import json

import pytest

from lianghui.proposals.models import Assignment, Feedback, Proposal, Reply, Signer

from . import scenarios as sc

pytestmark = pytest.mark.django_db

ROLES = [
    "member", "other_member", "office", "other_office", "agency", "other_agency",
    "supervisor", "admin", "watcher", "anonymous",
]  # fmt: skip
NEW = {"session": "npc-2022", "kind": "npc-suggestion", "title_zh": "新的建议"}


def _transfer_requested(key="api-assigned"):
    from lianghui.proposals import services

    p = sc.assigned(key)
    services.assignment_request_transfer(
        assignment=p.assignments.get(), on=sc.DAY, reason="Not our remit."
    )
    return p


# name -> (prepare() -> (url, body) or (method, url, body), roles allowed)
ENDPOINTS = {
    "edit": (
        lambda: ("patch", f"/api/v1/proposals/{sc.draft().key}/", {"title_zh": "改过的标题"}),
        {"member"},
    ),
    "transfer": (
        lambda: (
            f"/api/v1/assignments/{_transfer_requested().key}.a0/transfer/",
            {"agency": "mohrss"},
        ),
        {"office", "admin"},
    ),
    "refuse-transfer": (
        lambda: (f"/api/v1/assignments/{_transfer_requested().key}.a0/refuse-transfer/", {}),
        {"office", "admin"},
    ),
    "set-key": (
        lambda: (
            f"/api/v1/proposals/{sc.filed().key}/key/",
            {"is_key": True, "supervisor": "npc-committee"},
        ),
        {"office", "admin"},
    ),
    "unset-key": (
        lambda: (f"/api/v1/proposals/{_key_proposal().key}/key/", {"is_key": False}),
        {"office", "admin"},
    ),
    "create": (lambda: ("/api/v1/proposals/", NEW), {"member", "other_member"}),
    "submit": (lambda: (f"/api/v1/proposals/{sc.draft().key}/submit/", {}), {"member"}),
    "withdraw": (lambda: (f"/api/v1/proposals/{sc.draft().key}/withdraw/", {}), {"member"}),
    "confirm": (
        lambda: (
            f"/api/v1/proposals/{sc.draft(lead='deputy-b', kind='npc-motion', cosigners=['deputy-a']).key}/confirm/",  # noqa: E501
            {},
        ),
        {"member"},
    ),
    "review": (
        lambda: (f"/api/v1/proposals/{sc.submitted().key}/review/", {"decision": "filed"}),
        {"office", "admin"},
    ),
    "assign": (
        lambda: (
            f"/api/v1/proposals/{sc.filed().key}/assignments/",
            {"agency": "miit", "role": "lead"},
        ),
        {"office", "admin"},
    ),
    "close": (lambda: (f"/api/v1/proposals/{sc.rated().key}/close/", {}), {"office", "admin"}),
    "reopen": (
        lambda: (f"/api/v1/proposals/{sc.rated(rating='unsatisfied').key}/reopen/", {}),
        {"office", "admin"},
    ),
    "reply": (
        lambda: (f"/api/v1/assignments/{sc.assigned().key}.a0/replies/", {"category": "A"}),
        {"agency", "admin"},
    ),
    "transfer-request": (
        lambda: (
            f"/api/v1/assignments/{sc.assigned().key}.a0/transfer-request/",
            {"reason": "Not our remit."},
        ),
        {"agency", "admin"},
    ),
    "feedback": (
        lambda: (f"/api/v1/replies/{sc.replied().key}.a0.r0/feedback/", {"rating": "satisfied"}),
        {"member"},
    ),
}


def _key_proposal(key="api-key"):
    from lianghui.people.models import Organization
    from lianghui.proposals import services

    p = sc.filed(key)
    committee = Organization.objects.get(key="npc-committee")
    return services.proposal_set_key(proposal=p, is_key=True, supervisor=committee)


def _state():
    return (
        sorted(
            Proposal.objects.values_list(
                "key", "status", "is_key", "key_supervisor", "published", "title_zh"
            )
        ),
        Reply.objects.count(),
        Feedback.objects.count(),
        Signer.objects.filter(confirmed=True).count(),
        list(
            Assignment.objects.order_by("id").values_list(
                "agency__key", "active", "transfer_requested_on"
            )
        ),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_permission_matrix(small_world, api, endpoint, role):
    prepare, allowed = ENDPOINTS[endpoint]
    prepared = prepare()
    method, url, body = prepared if len(prepared) == 3 else ("post", *prepared)
    before = _state()
    response = getattr(api(role), method)(url, body, format="json")
    if role in allowed:
        assert response.status_code in {200, 201}, response.content
        assert _state() != before
    else:
        expected = {401} if role == "anonymous" else {403, 404}
        assert response.status_code in expected, (response.status_code, response.content)
        assert set(response.json()) >= {"detail", "code"}
        assert _state() == before


@pytest.mark.parametrize("role", ROLES)
def test_inbox_is_for_agency_officers(small_world, api, role):
    sc.assigned()
    response = api(role).get("/api/v1/inbox/")
    if role in {"agency", "admin"}:
        assert response.status_code == 200
        assert [a["key"] for a in response.json()["results"]] == ["api-assigned.a0"]
    elif role == "other_agency":
        assert response.status_code == 200 and response.json()["results"] == []
    else:
        assert response.status_code == (401 if role == "anonymous" else 403)


def test_write_responses_conform(small_world, api, conforms):
    member, office, agency = api("member"), api("office"), api("agency")
    created = member.post("/api/v1/proposals/", NEW, format="json")
    assert created.status_code == 201
    conforms(created, "/api/v1/proposals/", "POST")
    key = created.json()["key"]
    r = member.post(f"/api/v1/proposals/{key}/submit/", {}, format="json")
    conforms(r, "/api/v1/proposals/{key}/submit/", "POST")
    r = office.post(f"/api/v1/proposals/{key}/review/", {"decision": "filed"}, format="json")
    assert r.json()["status"] == "filed"
    r = office.post(
        f"/api/v1/proposals/{key}/assignments/", {"agency": "miit", "role": "lead"}, format="json"
    )
    conforms(r, "/api/v1/proposals/{key}/assignments/", "POST")
    r = agency.post(f"/api/v1/assignments/{key}.a0/replies/", {"category": "B"}, format="json")
    assert r.status_code == 201 and r.json()["key"] == f"{key}.a0.r0"
    conforms(r, "/api/v1/assignments/{key}/replies/", "POST")
    r = member.post(
        f"/api/v1/replies/{key}.a0.r0/feedback/", {"rating": "satisfied"}, format="json"
    )
    assert r.status_code == 201
    conforms(r, "/api/v1/replies/{key}/feedback/", "POST")
    r = office.post(f"/api/v1/proposals/{key}/close/", {}, format="json")
    assert r.json()["status"] == "closed"


BAD = [
    ("malformed JSON", b'{"title_zh": ', "application/json", 400, None),
    ("not an object", b"[1, 2]", "application/json", 400, "non_field_errors"),
    ("unknown field", {**NEW, "titel": "x"}, None, 400, "titel"),
    ("wrong type", {**NEW, "title_zh": 5}, None, 400, "title_zh"),
    ("wrong list type", {**NEW, "topics": "ai"}, None, 400, "topics"),
    ("unknown reference", {**NEW, "session": "nope"}, None, 400, "session"),
    ("service refuses", {**NEW, "kind": "cppcc-proposal"}, None, 400, "kind"),
    ("missing title", {"session": "npc-2022", "kind": "npc-suggestion"}, None, 400, "title_zh"),
    ("form data", b"title_zh=x", "application/x-www-form-urlencoded", 415, None),
]


@pytest.mark.parametrize(("case", "body", "content_type", "status", "field"), BAD)
def test_bad_input_is_refused_and_changes_nothing(
    small_world, api, case, body, content_type, status, field
):
    before = _state()
    client = api("member")
    if content_type:
        response = client.post("/api/v1/proposals/", body, content_type=content_type)
    else:
        response = client.post("/api/v1/proposals/", body, format="json")
    assert response.status_code == status, response.content
    data = response.json()
    assert data["detail"]
    if field:
        assert field in data["errors"], data
    assert _state() == before


def test_illegal_transition_is_a_conflict(small_world, api):
    key = sc.draft().key
    before = _state()
    response = api("office").post(
        f"/api/v1/proposals/{key}/review/", {"decision": "filed"}, format="json"
    )
    # The office sees its body's drafts, but cannot file one.
    assert response.status_code == 409 and response.json()["code"] == "illegal_transition"
    assert _state() == before
    key = sc.filed("api-f2").key
    before = _state()
    response = api("office").post(
        f"/api/v1/proposals/{key}/review/", {"decision": "filed"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"
    response = api("member").post(f"/api/v1/proposals/{key}/submit/", {}, format="json")
    assert response.status_code == 409
    assert _state() == before
    reply = sc.replied("api-r2")
    response = api("agency").post(
        f"/api/v1/assignments/{reply.key}.a0/replies/", {"category": "A"}, format="json"
    )
    assert response.status_code == 409 and response.json()["code"] == "conflict"


def test_idempotency_key(small_world, api):
    client = api("member")
    headers = {"HTTP_IDEMPOTENCY_KEY": "create-1"}
    first = client.post("/api/v1/proposals/", NEW, format="json", **headers)
    assert first.status_code == 201
    count = Proposal.objects.count()
    # Same request, same key (keys reordered): the first response, nothing new.
    body = json.dumps(dict(reversed(list(NEW.items()))))
    again = client.post("/api/v1/proposals/", body, content_type="application/json", **headers)
    assert again.status_code == 201 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Proposal.objects.count() == count
    # Same key, different request: refused.
    other = client.post("/api/v1/proposals/", {**NEW, "title_zh": "别的"}, format="json", **headers)
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert Proposal.objects.count() == count
    # Another user's key space is their own.
    mine = api("other_member").post("/api/v1/proposals/", NEW, format="json", **headers)
    assert mine.status_code == 201 and mine.json()["key"] != first.json()["key"]
    # A refused request is not remembered: corrected, the same key goes through.
    bad = client.post("/api/v1/proposals/", {"x": 1}, format="json", HTTP_IDEMPOTENCY_KEY="k2")
    assert bad.status_code == 400
    good = client.post("/api/v1/proposals/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="k2")
    assert good.status_code == 201


def test_idempotent_action_runs_once(small_world, api):
    key = sc.assigned().key
    agency = api("agency")
    url = f"/api/v1/assignments/{key}.a0/replies/"
    r1 = agency.post(url, {"category": "A"}, format="json", HTTP_IDEMPOTENCY_KEY="r")
    r2 = agency.post(url, {"category": "A"}, format="json", HTTP_IDEMPOTENCY_KEY="r")
    assert r1.status_code == r2.status_code == 201 and r1.json() == r2.json()
    assert Reply.objects.filter(assignment__proposal__key=key).count() == 1


def test_member_edits_own_draft_only_while_draft(small_world, api, conforms):
    key = sc.draft().key
    member = api("member")
    r = member.patch(
        f"/api/v1/proposals/{key}/",
        {"title_en": "On data security", "text_zh": "正文"},
        format="json",
    )
    assert r.status_code == 200, r.content
    conforms(r, "/api/v1/proposals/{key}/", "PATCH")
    assert (r.json()["title_zh"], r.json()["title_en"]) == ("接口测试建议", "On data security")
    assert r.json()["text_zh"] == "正文"
    # Both titles empty: refused by the service, naming the field; nothing changes.
    r = member.patch(f"/api/v1/proposals/{key}/", {"title_zh": "", "title_en": ""}, format="json")
    assert r.status_code == 400 and "title_zh" in r.json()["errors"]
    # Session, kind, co-signers are fixed once drafted (as on the desk's form).
    r = member.patch(f"/api/v1/proposals/{key}/", {"session": "npc-2023"}, format="json")
    assert r.status_code == 400 and "session" in r.json()["errors"]
    assert Proposal.objects.get(key=key).title_en == "On data security"
    member.post(f"/api/v1/proposals/{key}/submit/", {}, format="json")
    r = member.patch(f"/api/v1/proposals/{key}/", {"title_en": "Later"}, format="json")
    assert r.status_code == 403
    assert Proposal.objects.get(key=key).title_en == "On data security"


def test_office_approves_or_refuses_a_transfer(small_world, api, conforms):
    office, agency, other = api("office"), api("agency"), api("other_agency")
    key = _transfer_requested("api-t1").key
    assert [a["transfer_requested_on"] for a in agency.get("/api/v1/inbox/").json()["results"]]
    r = office.post(f"/api/v1/assignments/{key}.a0/transfer/", {"agency": "mohrss"}, format="json")
    assert r.status_code == 201, r.content
    conforms(r, "/api/v1/assignments/{key}/transfer/", "POST")
    assert (r.json()["key"], r.json()["agency"]) == (f"{key}.a1", "mohrss")
    assert agency.get("/api/v1/inbox/").json()["results"] == []
    assert [a["key"] for a in other.get("/api/v1/inbox/").json()["results"]] == [f"{key}.a1"]
    # The old assignment is on record, inactive; it cannot move again.
    again = office.post(
        f"/api/v1/assignments/{key}.a0/transfer/", {"agency": "mohrss"}, format="json"
    )
    assert again.status_code == 409
    assignments = office.get(f"/api/v1/proposals/{key}/").json()["assignments"]
    assert [(a["agency"], a["active"], a["transferred_from"]) for a in assignments] == [
        ("miit", False, None),
        ("mohrss", True, f"{key}.a0"),
    ]
    # Not an agency: a 400 naming the field.
    key2 = _transfer_requested("api-t2").key
    r = office.post(
        f"/api/v1/assignments/{key2}.a0/transfer/", {"agency": "npc-committee"}, format="json"
    )
    assert r.status_code == 400 and "agency" in r.json()["errors"]
    r = office.post(f"/api/v1/assignments/{key2}.a0/refuse-transfer/", {}, format="json")
    assert r.status_code == 200
    conforms(r, "/api/v1/assignments/{key}/refuse-transfer/", "POST")
    assert r.json()["transfer_requested_on"] is None and r.json()["agency"] == "miit"
    # Nothing left to refuse.
    r = office.post(f"/api/v1/assignments/{key2}.a0/refuse-transfer/", {}, format="json")
    assert r.status_code == 409


def test_office_marks_and_unmarks_a_key_proposal(small_world, api, conforms):
    office = api("office")
    key = sc.filed("api-k1").key
    r = office.post(
        f"/api/v1/proposals/{key}/key/",
        {"is_key": True, "supervisor": "npc-committee"},
        format="json",
    )
    assert r.status_code == 200, r.content
    conforms(r, "/api/v1/proposals/{key}/key/", "POST")
    assert (r.json()["is_key"], r.json()["key_supervisor"]) == (True, "npc-committee")
    public = api().get(f"/api/v1/proposals/{key}/").json()
    assert (public["is_key"], public["key_supervisor"]) == (True, "npc-committee")
    r = office.post(f"/api/v1/proposals/{key}/key/", {"is_key": False}, format="json")
    assert (r.json()["is_key"], r.json()["key_supervisor"]) == (False, None)
    # A supervisor must be a committee; only filed proposals can be selected.
    r = office.post(
        f"/api/v1/proposals/{key}/key/", {"is_key": True, "supervisor": "miit"}, format="json"
    )
    assert r.status_code == 400 and "supervisor" in r.json()["errors"]
    draft = sc.draft("api-k2").key
    r = office.post(f"/api/v1/proposals/{draft}/key/", {"is_key": True}, format="json")
    assert r.status_code == 409
    assert not Proposal.objects.get(key=draft).is_key
