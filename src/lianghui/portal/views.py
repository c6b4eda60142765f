"""The public pages: thin views that read the query string, call the apps'
selectors, paginate and render. No domain logic lives here."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from lianghui.commitments.selectors import agency_commitments
from lianghui.consultations.selectors import consultation_list
from lianghui.core.links import record_url
from lianghui.digests.selectors import digest_status
from lianghui.following.enums import Target
from lianghui.laws import selectors as laws
from lianghui.laws.enums import RegulationKind, Stage
from lianghui.people import selectors as people
from lianghui.people.enums import OrganizationKind, Sector
from lianghui.proposals import figures as proposal_figures
from lianghui.proposals import selectors as proposals
from lianghui.proposals import visibility, vocabulary
from lianghui.proposals.enums import ReplyCategory, ReviewDecision, Status
from lianghui.proposals.filters import PROPOSAL_FILTERS
from lianghui.proposals.timeline import proposal_timeline
from lianghui.search.similar import similar_proposals

from . import figures
from .caching import proposal_stamp, public_page
from .filters import (
    Filter,
    as_bool,
    declared_values,
    form_filters,
    generated_filter,
    key_filter,
    options,
    read,
)
from .templatetags.portal import jurisdiction_name, short

PER_PAGE = 50
# The source the demo cites for the figures no article states: a body citing it is
# one of the demo's seeded bodies, which the home page's note on sources concerns.
DEMO_ASSUMPTIONS = "demo-assumptions"
PREVIEW = 50  # rows of a related list shown on a detail page before "see all"
MAX_KEY_LENGTH = 160


def _page(request: HttpRequest, queryset) -> Page:
    """The requested page; a bad or out-of-range number gives the first or last."""
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


def _found[T](lookup: Callable[..., T], **kwargs) -> T:
    try:
        return lookup(**kwargs)
    except ObjectDoesNotExist:
        raise Http404(_("No such record.")) from None


def _preview(queryset, n: int = PREVIEW) -> tuple[list, bool]:
    """The first ``n`` rows and whether there are more (one query, no count)."""
    rows = list(queryset[: n + 1])
    return rows[:n], len(rows) > n


# ---------------------------------------------------------------------------


@require_safe
def language(request: HttpRequest) -> HttpResponse:
    """Set the language cookie and go back. A GET form, so pages carry no CSRF
    token and stay cacheable for anonymous visitors; at worst a forged link
    changes someone's display language, which they can change back."""
    nxt = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        nxt = "/"
    response = HttpResponseRedirect(nxt)
    code = request.GET.get("language", "")
    if code and check_for_language(code):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


@require_safe
def algorithms(request: HttpRequest) -> HttpResponse:
    """The public register of algorithms. Not in the page cache: its figures come
    from trained artifacts on disk too, which the data version does not follow."""
    from lianghui.insights.algorithms import register_of

    return render(
        request, "portal/algorithms.html", {"section": "algorithms", "register": register_of()}
    )


@require_safe
@public_page
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/home.html",
        {
            "section": "home",
            # The bodies configured, in their own words (not a fixed "Two Sessions");
            # the note on the demo's sources names only the bodies that cite them.
            "bodies": list(proposals.bodies_described(DEMO_ASSUMPTIONS)),
            "proposal_totals": proposals.proposal_totals(),
            "people_totals": people.people_totals(),
            "regulation_totals": laws.regulation_totals(),
            "sessions": proposals.latest_sessions(limit=6),
            "recent": proposals.recent_proposals(limit=8),
            "tracker": laws.regulation_tracker(limit=6),
        },
    )


@require_safe
@public_page
def proposal_list(request: HttpRequest) -> HttpResponse:
    params = request.GET
    bodies = list(proposals.body_list())
    # With a body chosen, the other lists offer only its sessions, kinds and topics.
    body = next((b for b in bodies if b.key == params.get("body", "").strip()), None)
    sessions, kinds = proposals.session_choices(), proposals.proposal_kind_list()
    if body is not None:
        sessions, kinds = sessions.filter(body=body), kinds.filter(body=body)
    choices = {
        # Kinds as the portal names them: the body's short name first.
        "kind": [(k.key, f"{short(k.body)} · {k.name}") for k in kinds],
        "body": [(b.key, b.name) for b in bodies],
    }
    if body is not None:
        choices["session"] = [(s.key, s.name) for s in sessions]
        choices["topic"] = [(t.key, t.name) for t in proposals.topics_for(body)]
        # Its statuses in its words, without the outcomes it does not use.
        outcomes = set(vocabulary.codes(body, vocabulary.OUTCOME))
        choices["status"] = [
            (code, vocabulary.outcome_name(body, code))
            for code, _label in Status.choices
            if code not in ReviewDecision.values or code in outcomes
        ]
    fs = read(params, form_filters(PROPOSAL_FILTERS, params, choices=choices))
    filters = proposals.ProposalFilters(**declared_values(fs, PROPOSAL_FILTERS))
    page = _page(request, proposals.proposal_search(query=fs.query, filters=filters))
    return render(
        request,
        "portal/proposal_list.html",
        {"section": "proposals", "filters": fs, "page_obj": page},
    )


@require_safe
@public_page(stamp=proposal_stamp)
def proposal_detail(request: HttpRequest, key: str) -> HttpResponse:
    proposal = _found(proposals.proposal_detail, key=key, viewer=request.user, history=True)
    return render(
        request,
        "portal/proposal_detail.html",
        {
            "section": "proposals",
            "proposal": proposal,
            "timeline": proposal_timeline(
                proposal=proposal,
                public=not visibility.may_see_whole_history(request.user, proposal),
                entries=proposal.history,
            ),
            "review": getattr(proposal, "review", None),
            "status_help": Status.explain(proposal.status),
            "similar": similar_proposals(proposal=proposal),
            "feeds": {
                "rss": record_url("feeds:proposal", proposal.key),
                "atom": record_url("feeds:proposal-atom", proposal.key),
            },
        },
    )


@require_safe
@public_page
def member_list(request: HttpRequest) -> HttpResponse:
    params = request.GET
    fs = read(
        params,
        [
            Filter("body", _("Body"), options((b.key, b.name) for b in proposals.body_list())),
            generated_filter(),
            key_filter(params, "organization", _("Organization"), people.organization_lookup),
        ],
    )
    filters = people.MemberFilters(
        body=fs.get("body"),
        organization=fs.get("organization"),
        generated=as_bool(fs.get("generated")),
    )
    page = _page(request, people.member_search(query=fs.query, filters=filters))
    return render(
        request,
        "portal/member_list.html",
        {"section": "members", "filters": fs, "page_obj": page},
    )


@require_safe
@public_page
def member_detail(request: HttpRequest, key: str) -> HttpResponse:
    member = _found(people.member_detail, key=key)
    signatures = list(proposals.member_signatures(member=member))
    per_year, years_chart = figures.member_years(signatures)
    ratings = proposal_figures.member_ratings(member=member)
    rated = ratings["satisfied"] + ratings["basically_satisfied"] + ratings["unsatisfied"]
    return render(
        request,
        "portal/member_detail.html",
        {
            "section": "members",
            "member": member,
            "signatures": signatures,
            "per_year": per_year,
            "years_chart": years_chart,
            "sectors": figures.member_sectors(member),
            "topics": proposals.member_topic_counts(member=member),
            "ratings": ratings,
            "rated": rated,
            "outcomes": laws.member_outcomes(member=member),
            "follow": figures.follow_context(request, Target.MEMBER, member.key),
        },
    )


@require_safe
@public_page
def organization_list(request: HttpRequest) -> HttpResponse:
    fs = read(
        request.GET,
        [
            Filter("kind", _("Kind"), options(OrganizationKind.choices)),
            Filter("sector", _("Sector"), options(Sector.choices)),
            generated_filter(),
        ],
    )
    filters = people.OrganizationFilters(
        kind=fs.get("kind"), sector=fs.get("sector"), generated=as_bool(fs.get("generated"))
    )
    page = _page(request, people.organization_search(query=fs.query, filters=filters))
    return render(
        request,
        "portal/organization_list.html",
        {"section": "organizations", "filters": fs, "page_obj": page},
    )


@require_safe
@public_page
def organization_detail(request: HttpRequest, key: str) -> HttpResponse:
    org = _found(people.organization_detail, key=key)
    assignments, more_assignments = _preview(proposals.agency_assignments(agency=org))
    affiliations, more_affiliations = _preview(people.organization_affiliations(organization=org))
    seats, more_seats = _preview(people.organization_seats(organization=org))
    issued, more_issued = _preview(laws.regulations_issued_by(organization=org))
    return render(
        request,
        "portal/organization_detail.html",
        {
            "section": "organizations",
            "org": org,
            "performance": figures.agency_years(agency=org) if org.is_agency else {},
            "commitments": agency_commitments(agency=org, limit=5) if org.is_agency else None,
            "follow": figures.follow_context(request, Target.AGENCY, org.key)
            if org.is_agency
            else None,
            "assignments": assignments,
            "more_assignments": more_assignments,
            "affiliations": affiliations,
            "seats": seats,
            "more_members": more_affiliations or more_seats,
            "issued": issued,
            "more_issued": more_issued,
        },
    )


@require_safe
@public_page
def session_list(request: HttpRequest) -> HttpResponse:
    fs = read(
        request.GET,
        [Filter("body", _("Body"), options((b.key, b.name) for b in proposals.body_list()))],
        with_query=False,
    )
    page = _page(request, proposals.session_list(body=fs.get("body")))
    return render(
        request,
        "portal/session_list.html",
        {"section": "sessions", "filters": fs, "page_obj": page},
    )


@require_safe
@public_page
def session_detail(request: HttpRequest, key: str) -> HttpResponse:
    session = _found(proposals.session_detail, key=key)
    stages, flow_chart, funnel = figures.session_flow(session=session)
    agencies, agencies_chart = figures.session_agencies(session=session)
    topics = list(proposals.session_topic_counts(session=session))
    return render(
        request,
        "portal/session_detail.html",
        {
            "section": "sessions",
            "session": session,
            "digest_status": digest_status(session=session),
            "totals": proposals.session_totals(session=session),
            "funnel": funnel,
            "status_counts": proposals.session_status_counts(session=session),
            "kind_counts": proposals.session_kind_counts(session=session),
            "stages": stages,
            "flow_chart": flow_chart,
            "agencies": agencies,
            "agencies_chart": agencies_chart,
            "agency_definitions": figures.definitions(*figures.AGENCY_DEFINITIONS),
            "topics": topics,
            "topics_chart": figures.topic_chart(
                topics, chart_id="session-topics", title=_("The session’s topics")
            ),
            "key_proposals": proposals.session_key_proposals(session=session),
        },
    )


@require_safe
@public_page
def topic_list(request: HttpRequest) -> HttpResponse:
    """Every topic, linking its page, with its number of published proposals."""
    topics = sorted(proposals.topic_index(), key=lambda t: (t.scheme, t.name))
    return render(request, "portal/topic_list.html", {"section": "topics", "topics": topics})


SORTS = {
    "name": None,
    "assigned": lambda r: -r.stats.assigned,
    "replied": lambda r: -r.stats.replied,
    "on_time": lambda r: -(r.stats.on_time_rate if r.stats.on_time_rate is not None else -1),
    "overdue": lambda r: -r.stats.overdue,
    "a": lambda r: -r.first,  # the first of the body's reply categories (by default A)
    "satisfaction": lambda r: (
        -(r.stats.satisfaction_rate if r.stats.satisfaction_rate is not None else -1)
    ),
}


@require_safe
@public_page
def agency_list(request: HttpRequest) -> HttpResponse:
    """Agencies side by side: proposals assigned, replies, on-time rate, the first
    reply category and satisfaction, for one body or session or all; sorted by any
    column from its header link. Categories and satisfaction are in the words of
    the bodies compared, and left out when those bodies use different words."""
    sessions = {s.key: s for s in proposals.session_choices()}
    bodies = {b.key: b for b in proposals.body_list()}
    fs = read(
        request.GET,
        [
            Filter("session", _("Session"), options((k, s.name) for k, s in sessions.items())),
            Filter("body", _("Body"), options((k, b.name) for k, b in bodies.items())),
        ],
        with_query=False,
    )
    sort = request.GET.get("sort", "assigned")
    session = sessions.get(fs.get("session"))
    body = bodies.get(fs.get("body")) if session is None else None
    scope = [session.body] if session else [body] if body else list(bodies.values())
    words = {
        (
            tuple(vocabulary.codes(b, vocabulary.REPLY_CATEGORY)),
            tuple(vocabulary.codes(b, vocabulary.SATISFACTION)),
        )
        for b in scope
    }
    categories, ratings = figures.words_of(scope) if len(words) <= 1 else ([], [])
    codes = [c for c, _label in categories]
    if sort not in SORTS or (sort == "a" and not codes) or (sort == "satisfaction" and not ratings):
        sort = "assigned"
    rows, totals = figures.agencies_compared(session=session, body=body)
    for r in rows:
        r.by_category = r.stats.counts("categories", codes)
        r.first = r.by_category[0] if codes else 0
        r.mix_bar = figures.category_mix(r.by_category)
    rows.sort(key=lambda r: r.agency.name)
    if SORTS[sort]:
        rows.sort(key=SORTS[sort])
    default_words = codes == list(ReplyCategory.values)
    columns = [
        ("name", _("Agency")),
        ("assigned", _("Assigned")),
        ("replied", _("Replied")),
        ("on_time", _("On time")),
        ("overdue", _("Overdue, unanswered")),
    ]
    if codes:
        columns.append(("a", _("Category A") if default_words else categories[0][1]))
    if ratings:
        columns.append(("satisfaction", _("Satisfied")))
    return render(
        request,
        "portal/agency_list.html",
        {
            "section": "organizations",
            "filters": fs,
            "rows": rows,
            "totals": totals,
            "totals_by_category": totals.counts("categories", codes),
            "categories": categories,
            "ratings": ratings,
            "default_words": default_words,
            "words_differ": len(words) > 1,
            "definitions": figures.definitions(
                *(
                    d
                    for d in figures.AGENCY_DEFINITIONS
                    if (d != "abc" or default_words) and (d != "satisfaction_rate" or ratings)
                )
            ),
            "sort": sort,
            "columns": columns,
        },
    )


@require_safe
@public_page
def regulation_list(request: HttpRequest) -> HttpResponse:
    params = request.GET
    fs = read(
        params,
        [
            Filter("kind", _("Kind"), options(RegulationKind.choices)),
            Filter(
                "jurisdiction",
                _("Jurisdiction"),
                options((j, jurisdiction_name(j)) for j in laws.regulation_jurisdictions()),
            ),
            Filter("stage", _("Stage reached"), options(Stage.choices)),
            generated_filter(),
            key_filter(params, "issuer", _("Issued by"), people.organization_lookup),
        ],
    )
    filters = laws.RegulationFilters(
        kind=fs.get("kind"),
        jurisdiction=fs.get("jurisdiction"),
        stage=fs.get("stage"),
        issuer=fs.get("issuer"),
        generated=as_bool(fs.get("generated")),
    )
    page = _page(request, laws.regulation_search(query=fs.query, filters=filters))
    return render(
        request,
        "portal/regulation_list.html",
        {"section": "regulations", "filters": fs, "page_obj": page},
    )


@require_safe
@public_page
def regulation_detail(request: HttpRequest, key: str) -> HttpResponse:
    regulation = _found(laws.regulation_detail, key=key)
    return render(
        request,
        "portal/regulation_detail.html",
        {
            "section": "regulations",
            "regulation": regulation,
            "timeline": laws.regulation_timeline(regulation=regulation),
            "consultations": consultation_list().filter(version__regulation=regulation),
            "follow": figures.follow_context(request, Target.REGULATION, regulation.key),
        },
    )


@require_safe
@public_page
def regulation_version(request: HttpRequest, key: str, version: int) -> HttpResponse:
    v = _found(laws.version_detail, key=key, version_id=version)
    return render(
        request,
        "portal/regulation_version.html",
        {
            "section": "regulations",
            "regulation": v.regulation,
            "version": v,
            "tree": laws.provision_tree(v.provision_list),
        },
    )


def _version_id(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise Http404(_("No such record.")) from None


@require_safe
@public_page
def regulation_compare(request: HttpRequest, key: str) -> HttpResponse:
    """Two versions side by side, article by article (``?from=ID&to=ID``)."""
    old = _found(laws.version_detail, key=key, version_id=_version_id(request.GET.get("from")))
    new = _found(laws.version_detail, key=key, version_id=_version_id(request.GET.get("to")))
    comparison = laws.version_comparison(old=old, new=new)
    return render(
        request,
        "portal/regulation_compare.html",
        {
            "section": "regulations",
            "regulation": old.regulation,
            "old": old,
            "new": new,
            "rows": comparison.rows,
            "counts": comparison.counts(),
        },
    )


@require_safe
def source_copy(request: HttpRequest, key: str) -> HttpResponse:
    """The local copy of a cited document, as plain text, when this site holds one."""
    from django.http import FileResponse

    from lianghui.core.models import Source

    source = _found(Source.objects.get, key=key)
    path = source.local_copy
    if path is None:
        raise Http404
    response = FileResponse(path.open("rb"), content_type="text/plain; charset=utf-8")
    response["X-Robots-Tag"] = "noindex"
    return response
