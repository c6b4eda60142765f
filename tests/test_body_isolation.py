"""A body's users never see another body's agencies, topics, supervisors or words.

Both demo bodies side by side (tests/bodies.py: the NPC of the small world and
the generated written-questions chamber), with a proposal of each handled by
one of its agencies. For the office, the agency officer, the member and the
supervisor of each body, every desk page with a form, filter or pick list is
rendered, and every API endpoint offering choices is read: none names another
body's agency, topic or supervising committee, and the forms offer only the
body's own reply categories, ratings, handling roles, outcomes and reasons."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from lianghui.people.models import Member, Organization
from lianghui.proposals import selectors, services, vocabulary
from lianghui.proposals.models import Body, ProposalKind, Session, Term

from . import bodies

pytestmark = pytest.mark.django_db
CASES = {c.body: c for c in bodies.CASES}


@pytest.fixture
def world(db):
    bodies.load()
    made = {}
    for case in bodies.CASES:
        proposals = {}
        for n, until in enumerate(("filed", "assigned")):
            p = services.proposal_create(
                session=Session.objects.get(key=case.session),
                kind=ProposalKind.objects.get(key=case.kind),
                key=f"{case.body}-iso-{n}",
                lead_member=Member.objects.get(key=case.member),
                **case.texts(f"Isolation {case.body} {n}"),
            )
            services.proposal_submit(proposal=p, on=case.assigned_on - dt.timedelta(days=2))
            services.proposal_review(
                proposal=p, decision="filed", on=case.assigned_on - dt.timedelta(days=1)
            )
            if until == "assigned":
                services.proposal_assign(
                    proposal=p,
                    agency=Organization.objects.get(key=case.agency),
                    role="lead",
                    on=case.assigned_on,
                )
            proposals[until] = p
        made[case.body] = {"proposals": proposals, "users": bodies.accounts(case)}
    return made


def _foreign(own: Body) -> dict[str, set[str]]:
    """What another body has and this one does not: its agencies, committees and
    topics (keys and names in both languages), and the labels of its words."""
    others = Body.objects.exclude(pk=own.pk)
    mine_orgs = set(selectors.agencies_for(own)) | set(selectors.supervisors_for(own))
    mine_topics = set(selectors.topics_for(own))
    names, keys = set(), set()
    for other in others:
        orgs = set(selectors.agencies_for(other)) | set(selectors.supervisors_for(other))
        for o in orgs - mine_orgs:
            keys.add(o.key)
            names |= {n for n in (o.name_en, o.name_zh) if n}
        for t in set(selectors.topics_for(other)) - mine_topics:
            keys.add(t.key)
            names |= {n for n in (t.name_en, t.name_zh) if n}
    words, own_words = set(), set()
    for term in Term.objects.all():
        labels = {w for w in (term.label_en, term.label_zh) if w}
        if term.body_id == own.pk:
            own_words |= labels
        else:
            words |= {w for w in labels if len(w) > 3}  # "A" or "B" would match anywhere
    return {"names": names, "keys": keys, "words": words - own_words}


def _assert_clean(html: str, foreign: dict, where: str) -> None:
    for name in foreign["names"] | foreign["words"]:
        assert name not in html, f"{where}: shows {name!r}"


def _choice_values(form) -> dict[str, set[str]]:
    """Every choice a form offers, per field: codes, or keys of the records offered."""
    out = {}
    for name, field in form.fields.items():
        queryset = getattr(field, "queryset", None)
        if queryset is not None:
            out[name] = {getattr(o, "key", str(o.pk)) for o in queryset}
        elif getattr(field, "choices", None):
            out[name] = {str(c) for c, _label in field.choices if c}
    return out


@pytest.mark.parametrize("body", list(CASES))
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_desks_offer_only_the_bodys_own(world, client_for, body, language):
    case = CASES[body]
    own = Body.objects.get(key=body)
    foreign = _foreign(own)
    users = world[body]["users"]
    filed, assigned = world[body]["proposals"]["filed"], world[body]["proposals"]["assigned"]
    assignment = assigned.assignments.get()
    pages = {
        "office": [
            "/desk/office/",
            "/desk/office/?tab=transfers",
            f"/desk/office/proposals/{filed.key}/",
            f"/desk/office/proposals/{assigned.key}/",
        ],
        "agency": ["/desk/agency/", f"/desk/agency/assignments/{assignment.pk}/"],
        "member": ["/desk/member/", "/desk/member/new/"],
        "supervisor": ["/desk/supervisor/"],
    }
    own_keys = {
        "agency": {o.key for o in selectors.agencies_for(own)},
        "to_agency": {o.key for o in selectors.agencies_for(own)},
        "topics": {t.key for t in selectors.topics_for(own)},
        "category": set(vocabulary.codes(own, vocabulary.REPLY_CATEGORY)),
        "rating": set(vocabulary.codes(own, vocabulary.SATISFACTION)),
        "role": set(vocabulary.codes(own, vocabulary.HANDLING_ROLE)),
        "decision": set(vocabulary.codes(own, vocabulary.OUTCOME)),
        "reason": set(vocabulary.codes(own, vocabulary.NOT_FILED_REASON)),
        "supervisor": {o.key for o in selectors.supervisors_for(own)},
    }
    for role, urls in pages.items():
        client = client_for(users[role])
        for url in urls:
            r = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
            assert r.status_code == 200, (role, url)
            where = f"{role} {url} ({language})"
            _assert_clean(r.content.decode(), foreign, where)
            context = {k: r.context[k] for k in r.context.keys()} if r.context else {}  # noqa: SIM118
            for context_name, value in context.items():
                if not hasattr(value, "fields") or not hasattr(value, "is_bound"):
                    continue
                for field, offered in _choice_values(value).items():
                    if field in own_keys:
                        assert offered <= own_keys[field], (where, context_name, field, offered)
                    assert not offered & foreign["keys"], (where, context_name, field)
    # the body's supervisor list on the office page, as offered
    html = client_for(users["office"]).get(f"/desk/office/proposals/{filed.key}/").content
    assert case.supervisor in html.decode()


@pytest.mark.parametrize("body", list(CASES))
def test_the_api_offers_only_the_bodys_own(world, body):
    own = Body.objects.get(key=body)
    foreign = _foreign(own)
    users = world[body]["users"]
    for role in ("office", "agency", "member", None):
        client = APIClient()
        if role:
            client.force_authenticate(users[role])
        for url in (
            f"/api/v1/agencies/?body={body}&limit=500",
            f"/api/v1/topics/?body={body}&limit=500",
            f"/api/v1/bodies/{body}/",
        ):
            r = client.get(url)
            assert r.status_code == 200, (role, url)
            text = r.content.decode()
            for key in foreign["keys"]:
                assert f'"{key}"' not in text, (role, url, key)
            _assert_clean(text, foreign, f"{role} {url}")
    listed = APIClient().get(f"/api/v1/agencies/?body={body}&limit=500").json()["results"]
    assert {a["key"] for a in listed} == {o.key for o in selectors.agencies_for(own)}
    vocab = APIClient().get(f"/api/v1/bodies/{body}/").json()["vocabulary"]
    for name in ("reply_category", "satisfaction", "handling_role"):
        assert [t["code"] for t in vocab.get(name, [])] == vocabulary.codes(own, name)


@pytest.mark.parametrize("body", list(CASES))
def test_the_public_filters_of_a_body_offer_only_its_own(world, client, body):
    own = Body.objects.get(key=body)
    foreign = _foreign(own)
    for language in ("en", "zh-hans"):
        r = client.get(f"/proposals/?body={body}", HTTP_ACCEPT_LANGUAGE=language)
        assert r.status_code == 200
        _assert_clean(r.content.decode(), foreign, f"/proposals/?body={body} ({language})")
    from lianghui.search.selectors import SearchFilters, search

    facets = {
        f.name: {v.value for v in f.values} for f in search(filters=SearchFilters(body=body)).facets
    }
    for name in ("agency", "topic"):
        assert not facets.get(name, set()) & foreign["keys"], name


def test_agencies_compared_in_each_bodys_words(client, world):
    """/agencies/ names the reply categories and satisfaction as the bodies compared
    do, and leaves them out (saying why) when those bodies differ."""
    for case in bodies.CASES:
        p = world[case.body]["proposals"]["assigned"]
        a = p.assignments.get()
        services.reply_create(assignment=a, category=case.final, on=case.assigned_on)
    everyone = client.get("/agencies/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "name their reply categories or satisfaction differently" in everyone
    assert "Category A" not in everyone and "Satisfied" not in everyone
    for case in bodies.CASES:
        page = client.get(f"/agencies/?body={case.body}", HTTP_ACCEPT_LANGUAGE="en")
        html = page.content.decode()
        final = vocabulary.label(Body.objects.get(key=case.body), "reply_category", case.final)
        assert final in html
        assert ("Satisfied" in html) == bool(case.rating)
        assert [r.agency.key for r in page.context["rows"]] == [case.agency]
        assert page.context["rows"][0].first >= 1  # its replies in the first category
