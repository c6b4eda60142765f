"""Every read endpoint answers with what the OpenAPI document says, shows only
what the caller may see, filters, paginates by cursor, and supports ETags."""

import pytest

pytestmark = pytest.mark.django_db

# (url, documented path)
ENDPOINTS = [
    ("/api/v1/", "/api/v1/"),
    ("/api/v1/bodies/", "/api/v1/bodies/"),
    ("/api/v1/bodies/npc/", "/api/v1/bodies/{key}/"),
    ("/api/v1/sessions/?body=npc&year=2022", "/api/v1/sessions/"),
    ("/api/v1/sessions/npc-2022/", "/api/v1/sessions/{key}/"),
    ("/api/v1/topics/", "/api/v1/topics/"),
    ("/api/v1/topics/ai/", "/api/v1/topics/{key}/"),
    ("/api/v1/members/?include=sources", "/api/v1/members/"),
    ("/api/v1/members/ma-huateng/", "/api/v1/members/{key}/"),
    ("/api/v1/organizations/?kind=agency", "/api/v1/organizations/"),
    ("/api/v1/organizations/tencent/", "/api/v1/organizations/{key}/"),
    ("/api/v1/agencies/?level=ministry&parent=state-council", "/api/v1/agencies/"),
    ("/api/v1/agencies/miit/", "/api/v1/agencies/{key}/"),
    ("/api/v1/proposals/", "/api/v1/proposals/"),
    (
        "/api/v1/proposals/?include=text,signers,review,assignments,regulations,sources",
        "/api/v1/proposals/",
    ),
    (
        "/api/v1/proposals/?session=npc-2022&status=closed&topic=ai&generated=false",
        "/api/v1/proposals/",
    ),
    ("/api/v1/proposals/p-1/", "/api/v1/proposals/{key}/"),
    ("/api/v1/replies/?agency=miit", "/api/v1/replies/"),
    ("/api/v1/replies/p-1.a1.r0/", "/api/v1/replies/{key}/"),
    ("/api/v1/feedback/?rating=satisfied", "/api/v1/feedback/"),
    ("/api/v1/feedback/p-1.a1.r0/", "/api/v1/feedback/{key}/"),
    ("/api/v1/regulations/?stage=effective", "/api/v1/regulations/"),
    ("/api/v1/regulations/pipl/", "/api/v1/regulations/{key}/"),
    ("/api/v1/bulk/", "/api/v1/bulk/"),
    ("/api/v1/algorithms/", "/api/v1/algorithms/"),
    ("/api/v1/proposals/p-1/interest-flags/", "/api/v1/proposals/{key}/interest-flags/"),
]


@pytest.mark.parametrize(("url", "path"), ENDPOINTS)
def test_every_read_endpoint_conforms_to_the_document(small_world, client, conforms, url, path):
    response = client.get(url)
    assert response.status_code == 200, response.content
    conforms(response, path)


def test_interest_flags_with_a_statement_conform(small_world, client, conforms, settings, tmp_path):
    import json

    from lianghui.insights.services import interest_statement_set
    from lianghui.people.models import Member, Organization
    from lianghui.proposals.models import Proposal

    vocabulary = tmp_path / "vocabulary.json"
    vocabulary.write_text(json.dumps({"sector_topics": {"internet": ["ai"]}}), encoding="utf-8")
    settings.LIANGHUI_INSIGHTS_VOCABULARY = str(vocabulary)
    interest_statement_set(
        proposal=Proposal.objects.get(key="p-1"),
        member=Member.objects.get(key="ma-huateng"),
        organization=Organization.objects.get(key="tencent"),
        text="声明",
        actor=None,
    )
    response = client.get("/api/v1/proposals/p-1/interest-flags/")
    assert response.json()[0]["statement"]["text"] == "声明"
    conforms(response, "/api/v1/proposals/{key}/interest-flags/")


def test_cors_on_reads(small_world, client):
    response = client.get("/api/v1/proposals/", HTTP_ORIGIN="https://example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]


def test_errors_conform_and_name_the_parameter(small_world, client, conforms):
    response = client.get("/api/v1/proposals/?status=nonsense")
    assert response.status_code == 400
    assert "status" in response.json()["errors"]
    conforms(response, "/api/v1/proposals/")
    response = client.get("/api/v1/proposals/?include=everything")
    assert response.status_code == 400 and "include" in response.json()["errors"]
    response = client.get("/api/v1/proposals/?cursor=garbage!!")
    assert response.status_code == 400 and "cursor" in response.json()["errors"]
    response = client.get("/api/v1/proposals/?limit=0")
    assert response.status_code == 400 and "limit" in response.json()["errors"]
    response = client.get("/api/v1/proposals/nope/")
    assert response.status_code == 404
    conforms(response, "/api/v1/proposals/{key}/")
    assert client.get("/api/v1/replies/p-1.a9.r0/").status_code == 404


def test_unpublished_proposals_and_replies_are_hidden_from_the_public(small_world, api):
    from lianghui.proposals.models import Proposal, Reply

    Proposal.objects.filter(key="p-2").update(published=False)
    Reply.objects.update(published=False)
    public = api("anonymous")
    assert [p["key"] for p in public.get("/api/v1/proposals/").json()["results"]] == ["p-1"]
    assert public.get("/api/v1/proposals/p-2/").status_code == 404
    assert public.get("/api/v1/replies/").json()["results"] == []
    assert public.get("/api/v1/replies/p-1.a1.r0/").status_code == 404
    detail = public.get("/api/v1/proposals/p-1/").json()
    assert all(a["replies"] == [] for a in detail["assignments"])
    # The office of the body sees everything of it; the agency its own replies.
    office = api("office")
    assert {p["key"] for p in office.get("/api/v1/proposals/").json()["results"]} == {"p-1", "p-2"}
    assert office.get("/api/v1/replies/p-1.a1.r0/").status_code == 200
    assert api("agency").get("/api/v1/replies/p-1.a1.r0/").status_code == 200
    assert api("other_agency").get("/api/v1/replies/p-1.a1.r0/").status_code == 404
    assert api("watcher").get("/api/v1/proposals/p-2/").status_code == 404


def test_filters_and_full_text(small_world, client):
    from lianghui.search.services import rebuild

    rebuild()  # the index follows commits; inside a test transaction, rebuild it

    def keys(url):
        return [p["key"] for p in client.get(url).json()["results"]]

    assert keys("/api/v1/proposals/?q=数字经济") == ["p-1", "p-2"]
    assert keys("/api/v1/proposals/?q=另一条") == ["p-2"]
    assert keys("/api/v1/proposals/?q=digital economy") == ["p-1"]
    assert keys("/api/v1/proposals/?member=deputy-b") == ["p-2"]
    assert keys("/api/v1/proposals/?agency=miit") == ["p-1"]
    assert keys("/api/v1/proposals/?status=merged") == ["p-2"]
    assert keys("/api/v1/proposals/?session=cppcc-2022") == []
    merged = client.get("/api/v1/proposals/p-2/").json()
    assert merged["merged_into"] == "p-1"


def test_cursor_pagination_walks_every_row_once(small_world, client):
    seen, url = [], "/api/v1/organizations/?limit=2"
    while url:
        page = client.get(url).json()
        seen += [o["key"] for o in page["results"]]
        url = page["next"]
    everything = [
        o["key"] for o in client.get("/api/v1/organizations/?limit=500").json()["results"]
    ]
    assert seen == everything == sorted(everything) and len(seen) > 2


def test_etag_and_304(small_world, client):
    first = client.get("/api/v1/proposals/p-1/")
    etag = first["ETag"]
    assert first["Cache-Control"].startswith("public")
    again = client.get("/api/v1/proposals/p-1/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    from lianghui.core import versioning
    from lianghui.proposals import stamps
    from lianghui.proposals.models import Proposal

    Proposal.objects.filter(key="p-1").update(title_en="Changed")
    # What committed writes do after they commit (core.events); the test's
    # transaction never commits. A change elsewhere (the data version) keeps this
    # proposal's ETag; a change to it (or to p-2, merged into it) does not.
    versioning.bump()
    assert client.get("/api/v1/proposals/p-1/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    stamps.on_proposals_changed(stamps.PROPOSAL, {Proposal.objects.get(key="p-1").pk})
    changed = client.get("/api/v1/proposals/p-1/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert changed.json()["title_en"] == "Changed"


def test_docs_and_schema_are_served_from_local_assets(client):
    schema = client.get("/api/v1/schema/?format=json")
    assert schema.status_code == 200 and schema.json()["openapi"].startswith("3.")
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn" not in page.lower()


@pytest.mark.parametrize("role", ["anonymous", "office", "member"])
@pytest.mark.parametrize(
    "include", [set(), {"text"}, {"signers", "review"}, {"assignments", "regulations", "sources"}]
)
def test_proposals_built_directly_match_their_declared_fields(small_world, accounts, role, include):
    """The hand-built representation (the hot path) equals what DRF makes of the
    declared fields (the schema), whatever is included and whoever asks."""
    from rest_framework import serializers as drf
    from rest_framework.test import APIRequestFactory

    from lianghui.api.read import selectors
    from lianghui.api.read.keys import Positions
    from lianghui.api.read.serializers import (
        AssignmentSerializer,
        NestedReplySerializer,
        ProposalSerializer,
        ReviewSerializer,
    )

    from . import scenarios as sc

    sc.rated("api-same")  # assignments, replies and a rating too
    viewer = accounts[role]
    request = APIRequestFactory().get("/api/v1/proposals/")
    qs = selectors.with_proposal_includes(
        selectors.proposal_list(viewer=viewer), include, viewer=viewer
    )
    rows = list(qs.order_by("key"))
    assert len(rows) >= 2
    context = {
        "request": request,
        "include": include,
        "staff": role == "office",
        "positions": Positions(p.pk for p in rows),
        "proposal_keys": {a.pk: p.key for p in rows for a in p.assignments.all()},
    }
    parts = 0
    for p in rows:
        fast = ProposalSerializer(p, context=dict(context)).data
        generic = drf.Serializer.to_representation(ProposalSerializer(context=context), p)
        assert fast == dict(generic), p.key
        if "review" in include and getattr(p, "review", None):
            fast = ReviewSerializer(p.review, context=context).data
            generic = drf.Serializer.to_representation(ReviewSerializer(context=context), p.review)
            assert fast == dict(generic), p.key
            parts += 1
        for a in p.assignments.all() if "assignments" in include else ():
            for serializer, part in [(AssignmentSerializer, a), *[
                (NestedReplySerializer, r) for r in a.replies.all()
            ]]:  # fmt: skip
                fast = serializer(part, context=context).data
                generic = drf.Serializer.to_representation(serializer(context=context), part)
                assert fast == dict(generic), (p.key, part)
                parts += 1
    assert parts or not include & {"assignments", "review"}


def test_reply_keys_count_replies_the_caller_may_not_see(small_world, api):
    """A reply's key holds its place among all its assignment's replies: the public
    sees the second reply as ``.r1`` although the first is not published, and the
    detail names each reply as the reply endpoint does."""
    from lianghui.api.read.keys import Positions
    from lianghui.proposals.models import Reply

    first = Reply.objects.get(assignment__proposal__key="p-1", assignment__agency__key="miit")
    assignment = first.assignment
    second = Reply.objects.create(
        assignment=assignment,
        category=first.category,
        replied_on=first.replied_on,
        published=True,
    )
    Reply.objects.filter(pk=first.pk).update(published=False)
    expected = Positions([assignment.proposal_id])
    for role, shown in [("anonymous", [second]), ("office", [first, second])]:
        client = api(role)
        detail = client.get("/api/v1/proposals/p-1/?include=assignments").json()
        keys = [r["key"] for a in detail["assignments"] for r in a["replies"]]
        prefix = expected.assignment_key("p-1", assignment.pk)
        assert keys == [f"{prefix}.r{expected.reply[r.pk]}" for r in shown], role
        for key in keys:
            assert client.get(f"/api/v1/replies/{key}/").json()["key"] == key
    assert keys[-1].endswith(".r1")
