"""One visibility policy, every channel: for each role, what the proposal page,
the desks, the API (lists, details, replies, feedback, stored documents), search
(results and facets), similar proposals, feeds and the bulk dumps show of
proposals, replies and the proposer's comments.

Record channels (page, API) show a viewer exactly what the policy lets them see;
desks show a work scope within it; public channels (search, similar proposals,
feeds, dumps, stored documents) show every viewer what the public sees. The
expected sets below are written out by hand, not asked of the policy, so a
wrong policy fails here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from lianghui.exchange.importer import import_files
from lianghui.proposals import visibility
from lianghui.proposals.models import Assignment, Feedback, Proposal, Reply

ROLES = [
    "anonymous",
    "watcher",
    "member",
    "other_member",
    "office",
    "other_office",
    "agency",
    "other_agency",
    "supervisor",
    "admin",
]

TITLE = "数字经济"  # in every proposal's title: one search finds them all


def _proposal(key, *, session="npc-2022", kind="npc-suggestion", lead, published, **extra):
    return {
        "type": "proposal",
        "key": key,
        "session": session,
        "kind": kind,
        "title_zh": f"关于{TITLE}{extra.pop('subject')}的建议",
        "submitted_on": "2022-03-06",
        "published": published,
        "signers": [{"member": lead}],
        **extra,
    }


def _reply(marker, *, published, rating, comment, comment_public, category="A"):
    return {
        "category": category,
        "replied_on": "2022-06-01",
        "text_zh": marker,
        "text_en": marker,
        "published": published,
        "feedback": {
            "rating": rating,
            "comment": comment,
            "comment_public": comment_public,
            "given_on": "2022-06-10",
        },
    }


RECORDS = [
    # a CPPCC member: only a member seated in a body signs in its sessions
    {
        "type": "member",
        "key": "vis-cppcc-member",
        "name_zh": "委员丙",
        "memberships": [{"body": "cppcc"}],
    },
    # Published, a key proposal; miit's reply is unpublished (its comment was
    # published by the proposer, yet goes where the reply goes), mohrss's is public.
    _proposal(
        "vis-mixed",
        lead="deputy-a",
        published=True,
        is_key=True,
        status="replied",
        subject="发展",
        topics=["ai"],
        review={"decision": "filed", "decided_on": "2022-03-20"},
        assignments=[
            {
                "agency": "miit",
                "role": "lead",
                "assigned_on": "2022-03-25",
                "due_on": "2022-06-25",
                "transfer_requested_on": "2022-03-28",
                "transfer_reason": "TRANSFER-REASON",
                "replies": [
                    _reply(
                        "REPLY-HIDDEN-MIXED",
                        published=False,
                        rating="unsatisfied",
                        comment="COMMENT-ON-HIDDEN-REPLY",
                        comment_public=True,
                        category="B",
                    )
                ],
            },
            {
                "agency": "mohrss",
                "role": "joint",
                "assigned_on": "2022-03-25",
                "due_on": "2022-06-25",
                "replies": [
                    _reply(
                        "REPLY-PUBLIC-MIXED",
                        published=True,
                        rating="satisfied",
                        comment="COMMENT-PUBLISHED",
                        comment_public=True,
                    )
                ],
            },
        ],
    ),
    # Unpublished key proposal with a published reply: the reply stays hidden
    # with its proposal.
    _proposal(
        "vis-secret-key",
        lead="deputy-b",
        published=False,
        is_key=True,
        status="replied",
        subject="安全",
        review={"decision": "filed", "decided_on": "2022-03-20"},
        assignments=[
            {
                "agency": "mohrss",
                "role": "lead",
                "assigned_on": "2022-03-25",
                "due_on": "2022-06-25",
                "replies": [
                    _reply(
                        "REPLY-PUBLISHED-ON-SECRET",
                        published=True,
                        rating="satisfied",
                        comment="COMMENT-PUBLIC-ON-SECRET",
                        comment_public=True,
                    )
                ],
            }
        ],
    ),
    _proposal(
        "vis-secret-miit",
        lead="deputy-b",
        published=False,
        status="replied",
        subject="平台",
        review={"decision": "filed", "decided_on": "2022-03-20"},
        assignments=[
            {
                "agency": "miit",
                "role": "lead",
                "assigned_on": "2022-03-25",
                "due_on": "2022-06-25",
                "replies": [
                    _reply(
                        "REPLY-HIDDEN-MIIT",
                        published=False,
                        rating="unsatisfied",
                        comment="COMMENT-PRIVATE-MIIT",
                        comment_public=False,
                        category="C",
                    )
                ],
            }
        ],
    ),
    _proposal("vis-draft-a", lead="deputy-a", published=False, status="draft", subject="人才"),
    _proposal(
        "vis-secret-cppcc",
        session="cppcc-2022",
        kind="cppcc-proposal",
        lead="vis-cppcc-member",
        published=False,
        status="submitted",
        subject="税收",
    ),
]

PUBLIC = {"p-1", "p-2", "vis-mixed"}
ALL = PUBLIC | {"vis-secret-key", "vis-secret-miit", "vis-draft-a", "vis-secret-cppcc"}
PROPOSALS = {
    "anonymous": PUBLIC,
    "watcher": PUBLIC,
    "member": PUBLIC | {"vis-draft-a"},  # deputy-a: leads it
    "other_member": PUBLIC | {"vis-secret-key", "vis-secret-miit"},  # deputy-b
    "office": ALL - {"vis-secret-cppcc"},  # the NPC's office
    "other_office": PUBLIC | {"vis-secret-cppcc"},
    "agency": PUBLIC | {"vis-secret-miit"},  # miit
    "other_agency": PUBLIC | {"vis-secret-key"},  # mohrss
    "supervisor": PUBLIC | {"vis-secret-key"},  # the NPC's key proposals
    "admin": ALL,
}

R_P1 = "REPLY-PUBLIC-P1"  # p-1, miit, published; its comment is private
R_HIDDEN = "REPLY-HIDDEN-MIXED"
R_MIXED = "REPLY-PUBLIC-MIXED"
R_ON_SECRET = "REPLY-PUBLISHED-ON-SECRET"
R_MIIT = "REPLY-HIDDEN-MIIT"
PUBLIC_REPLIES = {R_P1, R_MIXED}
REPLIES = {
    "anonymous": PUBLIC_REPLIES,
    "watcher": PUBLIC_REPLIES,
    "member": PUBLIC_REPLIES | {R_HIDDEN},  # signer of vis-mixed
    "other_member": PUBLIC_REPLIES | {R_ON_SECRET, R_MIIT},
    "office": PUBLIC_REPLIES | {R_HIDDEN, R_ON_SECRET, R_MIIT},
    "other_office": PUBLIC_REPLIES,
    "agency": PUBLIC_REPLIES | {R_HIDDEN, R_MIIT},  # miit's own replies
    "other_agency": PUBLIC_REPLIES | {R_ON_SECRET},
    "supervisor": PUBLIC_REPLIES | {R_HIDDEN, R_ON_SECRET},  # key proposals
    "admin": PUBLIC_REPLIES | {R_HIDDEN, R_ON_SECRET, R_MIIT},
}
# Comments: where the proposer published them, with their reply; else to the
# reply's parties (its agency, the proposal's signers, the body's office, the
# body's supervisors for a key proposal, administrators).
COMMENT_OF = {
    R_P1: "COMMENT-PRIVATE-P1",
    R_HIDDEN: "COMMENT-ON-HIDDEN-REPLY",
    R_MIXED: "COMMENT-PUBLISHED",
    R_ON_SECRET: "COMMENT-PUBLIC-ON-SECRET",
    R_MIIT: "COMMENT-PRIVATE-MIIT",
}
PARTIES_OF_P1 = {"member", "office", "agency", "admin"}  # deputy-a co-signed p-1
COMMENTS = {
    role: {COMMENT_OF[r] for r in replies if r != R_P1}
    | ({COMMENT_OF[R_P1]} if role in PARTIES_OF_P1 else set())
    for role, replies in REPLIES.items()
}
ALL_MARKERS = set(COMMENT_OF) | set(COMMENT_OF.values()) | {"TRANSFER-REASON"}


@pytest.fixture
def world(accounts):
    """The small world, the records above, p-1's reply marked and rated with a
    private comment, and the search index built."""
    from lianghui.search.services import rebuild

    path = _write_records()
    import_files([path])
    reply = Reply.objects.get(assignment__proposal__key="p-1")
    Reply.objects.filter(pk=reply.pk).update(text_zh=f"已采纳 {R_P1}", text_en=R_P1)
    Feedback.objects.filter(reply=reply).update(comment=COMMENT_OF[R_P1], comment_public=False)
    rebuild()
    cache.clear()
    return accounts


def _write_records() -> str:
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as out:
        for rec in RECORDS:
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return out.name


@dataclass
class Seen:
    proposals: set[str] = field(default_factory=set)
    replies: set[str] = field(default_factory=set)
    comments: set[str] = field(default_factory=set)

    def add_text(self, text: str) -> None:
        self.replies |= {m for m in COMMENT_OF if m in text}
        self.comments |= {c for c in COMMENT_OF.values() if c in text}


PROPOSAL_LINK = re.compile(r"/proposals/([a-z0-9-]+)/(?:#reply-(\d+))?")


def _links(text: str, seen: Seen) -> None:
    """Proposals linked from a page or feed; replies linked by their anchor."""
    markers = dict(Reply.objects.values_list("pk", "text_en"))
    for key, reply_id in PROPOSAL_LINK.findall(text):
        seen.proposals.add(key)
        if reply_id:
            seen.replies.add(markers[int(reply_id)])


def _client(user) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


# --- channels ----------------------------------------------------------------------------


def page(role, user) -> Seen:
    seen, client = Seen(), _client(user)
    for key in sorted(ALL):
        response = client.get(f"/proposals/{key}/")
        assert response.status_code in (200, 404), key
        if response.status_code == 200:
            seen.proposals.add(key)
            seen.add_text(response.content.decode())
    return seen


def _api_proposal(seen: Seen, doc: dict) -> None:
    seen.proposals.add(doc["key"])
    for a in doc.get("assignments", ()):
        for r in a["replies"]:
            seen.replies.add(r["text_en"])
            if r["feedback"] and r["feedback"]["comment"]:
                seen.comments.add(r["feedback"]["comment"])


def api_list(role, user) -> Seen:
    seen, client = Seen(), _client(user)
    body = client.get("/api/v1/proposals/?include=assignments&limit=100").json()
    for doc in body["results"]:
        _api_proposal(seen, doc)
    replies = client.get("/api/v1/replies/?limit=100").json()["results"]
    assert {r["text_en"] for r in replies} == seen.replies
    feedback = client.get("/api/v1/feedback/?limit=100").json()["results"]
    by_reply = {r["key"]: r["text_en"] for r in replies}
    assert {by_reply[f["reply"]] for f in feedback} == seen.replies  # every reply was rated
    assert {f["comment"] for f in feedback if f["comment"]} == seen.comments
    return seen


def api_detail(role, user) -> Seen:
    seen, client = Seen(), _client(user)
    for key in sorted(ALL):
        response = client.get(f"/api/v1/proposals/{key}/")
        assert response.status_code in (200, 404), key
        if response.status_code == 200:
            _api_proposal(seen, response.json())
    return seen


def search_results(role, user) -> Seen:
    from lianghui.search.selectors import search

    seen = Seen()
    _links(_client(user).get("/search/", {"q": TITLE}).content.decode(), seen)
    results = search(query=TITLE, viewer=user, page=1)
    facet = {v.value: v.count for f in results.facets if f.name == "type" for v in f.values}
    # Facets count what the results list: as many proposals and replies as shown.
    assert facet.get("proposal", 0) == len(seen.proposals)
    assert facet.get("reply", 0) == len(seen.replies)
    return seen


def similar(role, user) -> Seen:
    from lianghui.search.similar import similar_proposals

    seen = Seen()
    for key in sorted(PROPOSALS[role]):
        proposal = Proposal.objects.get(key=key)
        seen.proposals |= {s.key for s in similar_proposals(proposal=proposal)}
    return seen


def feeds(role, user) -> Seen:
    seen, client = Seen(), _client(user)
    for url in (
        "/feeds/topics/ai/",
        "/feeds/agencies/miit/",
        "/feeds/agencies/mohrss/",
        "/feeds/members/deputy-a/",
        "/feeds/members/deputy-b/",
        f"/feeds/search/?q={TITLE}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        _links(text, seen)
        seen.add_text(text)
    return seen


def dumps(role, user) -> Seen:
    from django.conf import settings

    call_command("dumps", "build", verbosity=0)
    seen = Seen()
    for folder in settings.LIANGHUI_DUMPS_DIR.iterdir():
        for line in (folder / "records.jsonl").read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            assert "TRANSFER-REASON" not in line
            if rec["type"] == "proposal":
                seen.proposals.add(rec["key"])
                for a in rec.get("assignments", ()):
                    for r in a.get("replies", ()):
                        seen.replies.add(r["text_en"])
                        if r.get("feedback", {}).get("comment"):
                            seen.comments.add(r["feedback"]["comment"])
        for csv in folder.glob("*.csv"):
            seen.add_text(csv.read_text(encoding="utf-8"))
    return seen


def stored_documents(role, user) -> Seen:
    """The anonymous API's documents rendered ahead of time, as served."""
    from lianghui.api.read import public

    public.render_all()
    seen, client = Seen(), Client()
    for key in sorted(ALL):
        document = public.detail(key)
        response = client.get(f"/api/v1/proposals/{key}/")
        if document is None:
            assert response.status_code == 404, key
            continue
        assert json.loads(document)["key"] == key
        _api_proposal(seen, response.json())
    return seen


RECORD_CHANNELS = {"page": page, "api_list": api_list, "api_detail": api_detail}
# What each public channel carries: similar proposals lists proposals only;
# search and feeds list proposals and replies; dumps and stored documents all.
PUBLIC_CHANNELS = {
    "search": (search_results, {"proposals", "replies"}),
    "similar": (similar, {"proposals"}),
    "feeds": (feeds, {"proposals", "replies"}),
    "dumps": (dumps, {"proposals", "replies", "comments"}),
    "stored_documents": (stored_documents, {"proposals", "replies", "comments"}),
}


def _expected(role: str) -> Seen:
    return Seen(set(PROPOSALS[role]), set(REPLIES[role]), set(COMMENTS[role]))


@pytest.mark.parametrize("channel", sorted(RECORD_CHANNELS))
@pytest.mark.parametrize("role", ROLES)
def test_record_channels_show_each_viewer_what_the_policy_allows(world, role, channel):
    assert RECORD_CHANNELS[channel](role, world[role]) == _expected(role)


@pytest.mark.parametrize("channel", sorted(PUBLIC_CHANNELS))
@pytest.mark.parametrize("role", ROLES)
def test_public_channels_show_everyone_what_the_public_sees(world, role, channel):
    read, parts = PUBLIC_CHANNELS[channel]
    got, want = read(role, world[role]), _expected("anonymous")
    if channel == "similar":
        # Examples, not a list of everything: none outside the public set.
        assert got.proposals <= want.proposals and got.proposals
    else:
        for part in parts:
            assert getattr(got, part) == getattr(want, part), part
    # and never more than the viewer may see on the record's own page
    mine = _expected(role)
    assert got.proposals <= mine.proposals and got.replies <= mine.replies
    assert got.comments <= mine.comments


DESKS = {
    "member": ["/desk/member/"],
    "other_member": ["/desk/member/"],
    "office": [f"/desk/office/?tab={t}" for t in ("review", "assign", "replied", "key")],
    "other_office": [f"/desk/office/?tab={t}" for t in ("review", "assign", "replied", "key")],
    "agency": ["/desk/agency/"],
    "other_agency": ["/desk/agency/"],
    "supervisor": ["/desk/supervisor/"],
    "admin": [f"/desk/office/?tab={t}" for t in ("review", "assign", "replied", "key")],
}


@pytest.mark.parametrize("role", sorted(DESKS))
def test_desks_stay_within_what_the_policy_allows(world, role):
    user = world[role]
    client, seen = _client(user), Seen()
    for url in DESKS[role]:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        _links(text, seen)
        seen.proposals |= set(re.findall(r"/desk/member/([a-z0-9-]+)/edit/", text))
        seen.add_text(text)
    if role in {"office", "other_office", "admin"}:
        for key in sorted(PROPOSALS[role]):
            response = client.get(f"/desk/office/proposals/{key}/")
            if response.status_code == 200:
                seen.proposals.add(key)
                seen.add_text(response.content.decode())
    if role in {"agency", "other_agency"}:
        for a in Assignment.objects.filter(agency_id=user.profile.agency_id):
            response = client.get(f"/desk/agency/assignments/{a.pk}/")
            assert response.status_code == 200
            seen.proposals.add(a.proposal.key)
            seen.add_text(response.content.decode())
    mine = _expected(role)
    assert seen.proposals <= mine.proposals
    assert seen.replies <= mine.replies and seen.comments <= mine.comments
    if role == "agency":
        # miit reads the proposers' private comments on its own replies
        assert {COMMENT_OF[R_P1], COMMENT_OF[R_MIIT]} <= seen.comments
        assert "vis-secret-miit" in seen.proposals
    if role == "office":
        assert {"vis-secret-key", "vis-secret-miit"} <= seen.proposals
    if role == "member":
        assert "vis-draft-a" in seen.proposals


def test_the_policy_answers_as_the_matrix(world):
    """The policy's querysets and object checks, against the same hand-written sets."""
    for role in ROLES:
        user = world[role]
        assert set(visibility.proposals_for(user).values_list("key", flat=True)) == PROPOSALS[role]
        assert set(visibility.replies_for(user).values_list("text_en", flat=True)) == REPLIES[role]
        for proposal in Proposal.objects.all():
            assert visibility.may_see_proposal(user, proposal) == (proposal.key in PROPOSALS[role])
        for fb in Feedback.objects.select_related("reply__assignment__proposal"):
            marker = fb.reply.text_en
            if marker in REPLIES[role]:
                assert visibility.may_read_comment(user, fb) == (fb.comment in COMMENTS[role])
    assert set(visibility.public_proposals().values_list("key", flat=True)) == PUBLIC
    assert set(visibility.public_replies().values_list("text_en", flat=True)) == PUBLIC_REPLIES


def test_search_similar_and_feeds_drop_a_record_hidden_behind_the_index(world):
    """A proposal or reply unpublished without the index hearing of it (a bulk
    update) is not shown by search, similar proposals or feeds: they check what
    they read against the policy."""
    from lianghui.search.similar import similar_proposals

    Proposal.objects.filter(key="vis-mixed").update(published=False)
    Reply.objects.filter(text_en=R_P1).update(published=False)
    cache.clear()  # results are cached by the data version, which a bulk update keeps
    hidden = Seen()
    _links(Client().get("/search/", {"q": TITLE}).content.decode(), hidden)
    for url in ("/feeds/topics/ai/", "/feeds/agencies/miit/", f"/feeds/search/?q={TITLE}"):
        _links(Client().get(url).content.decode(), hidden)
    for key in ("p-1", "p-2"):
        found = similar_proposals(proposal=Proposal.objects.get(key=key))
        hidden.proposals |= {s.key for s in found}
    assert "vis-mixed" not in hidden.proposals
    assert R_P1 not in hidden.replies and R_MIXED not in hidden.replies
    assert "p-1" in hidden.proposals  # the rest is still found


def test_the_proposer_chooses_to_publish_a_comment(world, client_for):
    """The member's rating form: the rating is public; the comment only when ticked."""
    from lianghui.proposals import services

    p = Proposal.objects.get(key="p-1")
    Proposal.objects.filter(pk=p.pk).update(status="assigned")
    a = Assignment.objects.get(proposal=p, active=True)
    Reply.objects.filter(assignment=a).delete()
    reply = services.reply_create(
        assignment=a, category="A", on=p.submitted_on.replace(month=7), text_en="NEW-REPLY"
    )
    member = client_for(world["member"])
    # deputy-a co-signed p-1; ma-huateng leads it and has no account: make deputy-a lead
    p.signers.filter(member__key="ma-huateng").update(role="cosigner")
    p.signers.filter(member__key="deputy-a").update(role="lead")
    response = member.post(
        f"/desk/member/replies/{reply.pk}/rate/",
        {f"r{reply.pk}-rating": "satisfied", f"r{reply.pk}-comment": "KEEP-THIS-PRIVATE"},
    )
    assert response.status_code == 302
    fb = Feedback.objects.get(reply=reply)
    assert fb.rating == "satisfied" and not fb.comment_public
    public_page = Client().get("/proposals/p-1/").content.decode()
    assert "KEEP-THIS-PRIVATE" not in public_page
    assert "KEEP-THIS-PRIVATE" in member.get("/proposals/p-1/").content.decode()
    fb.delete()
    member.post(
        f"/desk/member/replies/{reply.pk}/rate/",
        {
            f"r{reply.pk}-rating": "unsatisfied",
            f"r{reply.pk}-comment": "SHOW-THIS",
            f"r{reply.pk}-comment_public": "on",
        },
    )
    assert Feedback.objects.get(reply=reply).comment_public
    assert "SHOW-THIS" in Client().get("/proposals/p-1/").content.decode()
    api = Client().get("/api/v1/feedback/?limit=100").json()["results"]
    assert "SHOW-THIS" in {f["comment"] for f in api}
