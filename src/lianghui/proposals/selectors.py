"""Read-side functions for bodies, sessions and proposals.

Every function takes keyword-only arguments and returns a queryset or objects
with their relations selected or prefetched, so a page built from them runs a
fixed number of queries however many rows it shows. Lookups by key raise the
model's ``DoesNotExist``; callers turn that into a 404.

Who sees what is decided by the policy (``visibility.py``): every function
here counts and lists what the public may see, unless it is given a ``viewer``
(the proposal page and the API show each viewer what the policy allows them).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    TextField,
    prefetch_related_objects,
)
from django.db.models.expressions import RawSQL

from lianghui.core.models import Citation
from lianghui.core.prepared import Column, Prepared
from lianghui.people.enums import OrganizationKind
from lianghui.people.models import Organization

from . import visibility, vocabulary
from .enums import SignerRole, Status
from .models import (
    Assignment,
    Body,
    Proposal,
    ProposalKind,
    Reply,
    Session,
    Signer,
    Topic,
)
from .timeline import HISTORY

# Published proposals, seen from a topic (the public's count on the topics index).
PUBLIC_THROUGH_TOPIC = visibility.proposals_q(visibility.ANONYMOUS, path="proposals")


def visible_proposals(*, viewer=None) -> QuerySet[Proposal]:
    """The proposals ``viewer`` may see (None: the public's)."""
    if viewer is None:
        return visibility.public_proposals()
    return visibility.proposals_for(viewer)


# ---------------------------------------------------------------------------
# Reference data (filter options)


def body_list() -> QuerySet[Body]:
    return Body.objects.select_related("calendar").order_by("key")


def bodies_described(source: str) -> QuerySet[Body]:
    """The bodies, each with ``cites``: whether its record cites ``source`` (the home
    page says which bodies a note on sources concerns), in the one query."""
    cited = Citation.objects.filter(
        content_type__app_label=Body._meta.app_label,
        content_type__model=Body._meta.model_name,
        object_id=OuterRef("pk"),
        source__key=source,
    )
    return body_list().annotate(cites=Exists(cited))


def proposal_kind_list() -> QuerySet[ProposalKind]:
    return ProposalKind.objects.select_related("body").order_by("body__key", "code")


def session_choices() -> QuerySet[Session]:
    return Session.objects.select_related("body").order_by("-year", "body__key", "-number")


def topic_list() -> QuerySet[Topic]:
    return Topic.objects.order_by("scheme", "key")


# ---------------------------------------------------------------------------
# A body's vocabularies: every pick list of a body (desk forms, filters, facets, API
# choices, routing candidates) reads its agencies, supervisors and topics here.


def _bodies(body) -> list[Body] | None:
    """``body`` as a list of bodies: a Body, several (a member sitting in two), or None
    for every body (the public's cross-body pages and the admin)."""
    if body is None:
        return None
    if isinstance(body, Body):
        return [body]
    return list(body)


def _serving(kind: str, body) -> QuerySet[Organization]:
    """Organizations of a kind that serve the body (its own and the shared ones)."""
    qs = Organization.objects.filter(kind=kind)
    bodies = _bodies(body)
    if bodies is not None:
        qs = qs.filter(
            pk__in=Organization.bodies.through.objects.filter(body__in=bodies).values(
                "organization_id"
            )
        )
    return qs.order_by("key")


def agencies_for(body) -> QuerySet[Organization]:
    """The agencies that handle the body's proposals (its own and the shared ones)."""
    return _serving(OrganizationKind.AGENCY, body)


def supervisors_for(body) -> QuerySet[Organization]:
    """The committees that may supervise the body's key proposals."""
    return _serving(OrganizationKind.COMMITTEE, body)


def topics_for(body) -> QuerySet[Topic]:
    """The topics of the schemes the body uses."""
    bodies = _bodies(body)
    if bodies is None:
        return Topic.objects.order_by("scheme", "key")
    schemes = sorted({scheme for b in bodies for scheme in b.topic_schemes or ()})
    return Topic.objects.filter(scheme__in=schemes).order_by("scheme", "key")


def serves(organization: Organization, body: Body) -> bool:
    """Whether an agency or committee is one of the body's (its pick lists offer it)."""
    return Organization.bodies.through.objects.filter(
        organization_id=organization.pk, body_id=body.pk
    ).exists()


def topic_in_use(topic: Topic, body: Body) -> bool:
    return topic.scheme in (body.topic_schemes or ())


def topic_index() -> QuerySet[Topic]:
    """Every topic with its number of published proposals (``proposal_count``)."""
    return (
        Topic.objects.select_related("parent")
        .annotate(proposal_count=Count("proposals", filter=PUBLIC_THROUGH_TOPIC))
        .order_by("scheme", "key")
    )


def cited(queryset: QuerySet | None = None, *, path: str = "citations") -> Prefetch:
    """Prefetch a record's citations with their sources, in a stable order
    (``path``: through a relation, e.g. ``proposal__citations``)."""
    return Prefetch(
        path,
        queryset=(queryset or Citation.objects.all())
        .select_related("source")
        .order_by("source__key", "field", "id"),
    )


# ---------------------------------------------------------------------------
# Sessions


def session_list(*, body: str = "") -> QuerySet[Session]:
    """Sessions, newest first, with their body and how many proposals each has."""
    qs = Session.objects.select_related("body").annotate(
        proposal_count=Count("proposals", filter=Q(proposals__published=True))
    )
    if body:
        qs = qs.filter(body__key=body)
    return qs.order_by("-year", "body__key", "-term", "-number")


def latest_sessions(*, limit: int = 5) -> QuerySet[Session]:
    return session_list()[:limit]


def session_detail(*, key: str) -> Session:
    return Session.objects.select_related("body").prefetch_related(cited()).get(key=key)


def session_status_counts(*, session: Session) -> list[tuple[Status, int]]:
    """(status, count) in the order statuses are defined, only those present."""
    rows = dict(
        visible_proposals()
        .filter(session=session)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    return [(status, rows[status.value]) for status in Status if rows.get(status.value)]


def session_kind_counts(*, session: Session) -> QuerySet[ProposalKind]:
    """The session's proposal kinds, each annotated with ``proposal_count``."""
    return (
        ProposalKind.objects.filter(proposals__session=session, proposals__published=True)
        .annotate(proposal_count=Count("proposals"))
        .order_by("code")
    )


def session_totals(*, session: Session) -> dict[str, int]:
    return (
        visible_proposals()
        .filter(session=session)
        .aggregate(
            total=Count("id"),
            generated=Count("id", filter=Q(generated=True)),
            key=Count("id", filter=Q(is_key=True)),
        )
    )


# ---------------------------------------------------------------------------
# Proposals


@dataclass(frozen=True)
class ProposalFilters:
    """Filters shared by the portal, the API and the CLI; empty means any."""

    session: str = ""  # session key
    body: str = ""  # body key
    kind: str = ""  # proposal kind key
    status: str = ""  # a Status value
    topic: str = ""  # topic key
    generated: bool | None = None  # True: demo data only; False: real records only
    member: str = ""  # member key: proposals the member signed
    agency: str = ""  # organization key: proposals assigned to it


def _lead_signers() -> Prefetch:
    return Prefetch(
        "signers",
        queryset=Signer.objects.filter(role=SignerRole.LEAD).select_related("member", "group"),
        to_attr="lead_signers",
    )


MAX_QUERY_LENGTH = 200  # characters of a list's search words kept (pages and API)


def matching_proposals(query: str) -> Q:
    """Proposals matching ``query`` in the search syntax (docs/search.md), through
    the search index the search page uses: the same words find the same
    proposals on the list pages, in the API's ``q=`` and on the command line.
    The index holds public proposals only."""
    from lianghui.search.selectors import records_matching

    return records_matching(query=query[:MAX_QUERY_LENGTH], model=Proposal)


def proposal_search(
    *,
    query: str = "",
    filters: ProposalFilters | None = None,
    viewer=None,
) -> QuerySet[Proposal]:
    """Proposals matching a search query and filters, newest first, ready for a
    list: the one proposal search of the portal's list, the API and the CLI.

    ``query`` is matched through the search index (``matching_proposals``).
    Each row has ``lead_signers`` (a list) and its topics prefetched.
    """
    qs = visible_proposals(viewer=viewer)
    if query:
        qs = qs.filter(matching_proposals(query))
    return (
        filter_proposals(qs, filters or ProposalFilters())
        .select_related("session__body", "kind")
        .prefetch_related(_lead_signers(), "topics")
        .order_by(F("submitted_on").desc(nulls_last=True), "key")
    )


def filter_proposals(
    qs: QuerySet[Proposal], f: ProposalFilters, *, session_id: int | None = None
) -> QuerySet[Proposal]:
    """``qs`` narrowed by the filters. With ``session_id`` (the session's id, when
    the caller has looked it up), the session filter is that constant: PostgreSQL
    then walks a (session, ...) index instead of joining sessions by key."""
    if session_id is not None:
        qs = qs.filter(session_id=session_id)
    elif f.session:
        qs = qs.filter(session__key=f.session)
    if f.body:
        qs = qs.filter(session__body__key=f.body)
    if f.kind:
        qs = qs.filter(kind__key=f.kind)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.generated is not None:
        qs = qs.filter(generated=f.generated)
    # Sub-selects rather than joins, so a proposal never appears twice. A topic is
    # common: checked row by row as the order walks (EXISTS), which stops with the
    # page, where IN would first gather and sort every tagged proposal (0.6 ms
    # against 44 ms for a page of 150,000 proposals on SQLite). Members and agencies
    # have few proposals each: those are gathered.
    if f.topic:
        tagged = Proposal.topics.through.objects.filter(proposal_id=OuterRef("pk"))
        qs = qs.filter(Exists(tagged.filter(topic__key=f.topic)))
    if f.member:
        qs = qs.filter(id__in=Signer.objects.filter(member__key=f.member).values("proposal_id"))
    if f.agency:
        qs = qs.filter(id__in=Assignment.objects.filter(agency__key=f.agency).values("proposal_id"))
    return qs


def recent_proposals(*, limit: int = 10) -> list[Proposal]:
    return list(proposal_search()[:limit])


def proposal_totals() -> dict[str, int]:
    totals = visible_proposals().aggregate(
        total=Count("id"),
        generated=Count("id", filter=Q(generated=True)),
        key=Count("id", filter=Q(is_key=True)),
    )
    return totals | Session.objects.aggregate(sessions=Count("id"))


def _has(model, column: str, **equal) -> RawSQL:
    """Whether ``model`` has a row whose ``column`` is the proposal's id (and whose
    other columns equal ``equal``), as a column of the proposal's row. Raw SQL:
    compiling the ORM's Exists costs as much as the query it saves."""
    qn = connection.ops.quote_name
    conds = [f"x.{qn(column)} = {qn(Proposal._meta.db_table)}.{qn('id')}"]
    conds += [f"x.{qn(name)} = %s" for name in equal]
    sql = f"EXISTS (SELECT 1 FROM {qn(model._meta.db_table)} x WHERE {' AND '.join(conds)})"
    return RawSQL(sql, tuple(equal.values()), output_field=BooleanField())


def proposal_detail(*, key: str, viewer=None, history: bool = False) -> Proposal:
    """One proposal with everything its page shows, as ``viewer`` may see it (the
    policy: visibility.py). Replies carry ``comment_shown`` and ``position`` (the
    place their part key holds, ``_with_positions``); ``merged_into`` is kept only
    if the viewer may see it too; ``merged_from`` lists the visible ones;
    ``outcomes`` are the confirmed links to regulations (what came of it);
    ``citations`` are prefetched. ``history``: the public's read also brings the
    proposal's audit log (``timeline.HISTORY``) as ``history``, for its timeline
    (else ``history`` is None: the timeline reads it).

    The public's read of most proposals, which have no regulations, merges,
    sources or transfers, is one statement: the proposal's row brings its lists
    (``_with_lists``) and says which of those others it has, and only those are
    fetched (a query each); an assignment transferred from another finds it among
    the proposal's own. ``Regulation.related_proposals`` mirrors the confirmed
    links, so its rows say whether there are outcomes to fetch. Other viewers'
    reads run each list as a query of its own (the lists they may see differ)."""
    public = visibility.viewer_of(viewer).role in visibility.PUBLIC_ROLES
    content_type = ContentType.objects.get_for_model(Proposal).pk
    if public:
        # The public's page is the one read most: its queries are compiled once.
        found = (_PUBLIC_PAGE if history else _PUBLIC_PROPOSAL)(key, content_type)
    else:
        found = list(_proposal_row(visible_proposals(viewer=viewer), key, content_type)[:2])
    if not found:
        raise Proposal.DoesNotExist(f"No proposal {key!r}")
    proposal = found[0]
    # Signers, topics, assignments and their replies are read directly by the
    # proposal's id, not through prefetch_related_objects: it builds each filter
    # from the instances (``proposal__in=[...]``), which cost as much as the queries.
    pid = proposal.pk
    proposal.history = None
    if public:
        lists = {name: q.from_rows(proposal.__dict__.pop(name)) for name, q in _LISTS.items()}
        if history:
            proposal.history = HISTORY.from_rows(proposal.__dict__.pop("history_rows"))
            vocabulary.seed(proposal.session.body_id, proposal.__dict__.pop("term_rows"))
        signers, topics = lists["signer_rows"], [row.topic for row in lists["topic_rows"]]
        assignments = lists["assignment_rows"]
    else:
        signers = _SIGNERS(pid)
        topics = [row.topic for row in _TOPICS(pid)]
        assignments = _ASSIGNMENTS(pid)
    replies: dict[int, list] = {a.pk: [] for a in assignments}
    if assignments:
        if public:
            shown = lists["reply_rows"]
        else:
            shown = _with_positions(
                visibility.replies_with_comments(viewer).filter(assignment__proposal_id=pid)
            )
        by_id = {a.pk: a for a in assignments}
        for r in shown:
            r.assignment = by_id[r.assignment_id]
            replies[r.assignment_id].append(r)
    for a in assignments:
        a.proposal = proposal
        prefetched(a, "replies", replies[a.pk])
    for s in signers:
        s.proposal = proposal
    prefetched(proposal, "signers", signers)
    prefetched(proposal, "topics", topics)
    prefetched(proposal, "assignments", assignments)
    lookups = []
    optional = {
        "outcomes": (proposal.has_regulations, _outcomes),
        "merged_from": (
            proposal.has_merged,
            lambda: Prefetch(
                "merged_from", queryset=visible_proposals(viewer=viewer).order_by("key")
            ),
        ),
        "citations": (proposal.has_citations, cited),
    }
    for name, (present, lookup) in optional.items():
        if present:
            lookups.append(lookup())
        elif name == "outcomes":
            proposal.outcomes = []
        else:
            _none_prefetched(proposal, name)
    if lookups:
        prefetch_related_objects([proposal], *lookups)
    _transferred_from(list(proposal.assignments.all()))
    if proposal.merged_into_id is not None:
        merged_into = Proposal.objects.select_related("session").get(pk=proposal.merged_into_id)
        proposal.merged_into = (
            merged_into if visibility.may_see_proposal(viewer, merged_into) else None
        )
    return proposal


def _outcomes() -> Prefetch:
    """The confirmed links to regulations, best first, as ``outcomes``."""
    # laws builds on proposals: its models are reached through the relations.
    links = Proposal._meta.get_field("regulation_links").related_model.objects
    return Prefetch(
        "regulation_links",
        queryset=links.filter(status="confirmed")
        .select_related("regulation")
        .order_by("-score", "regulation__key"),
        to_attr="outcomes",
    )


def _proposal_row(queryset: QuerySet[Proposal], key: str, content_type: int) -> QuerySet:
    """The proposal with its session, body, kind and review, and whether it has
    regulations, merged proposals and citations."""
    related = Proposal._meta.get_field("regulations")
    return (
        queryset.filter(key=key)
        .select_related("session__body", "kind", "review")
        .annotate(
            has_regulations=_has(related.through, "proposal_id"),
            has_merged=_has(Proposal, "merged_into_id"),
            has_citations=_has(Citation, "object_id", content_type_id=content_type),
        )
    )


_SIGNERS = Prepared(
    lambda pid: (
        Signer.objects.filter(proposal_id=pid)
        .select_related("member", "group")
        .order_by("position", "id")
    ),
    int,
)
_TOPICS = Prepared(
    lambda pid: (
        Proposal.topics.through.objects.filter(proposal_id=pid)
        .select_related("topic")
        .order_by("topic__key")
    ),
    int,
)
_ASSIGNMENTS = Prepared(
    lambda pid: (
        Assignment.objects.filter(proposal_id=pid)
        .select_related("agency")
        .order_by("assigned_on", "id")
    ),
    int,
)


def _with_positions(replies: QuerySet[Reply]) -> QuerySet[Reply]:
    """Each reply with ``position``: its place (from 0, in the order recorded) among
    all its assignment's replies, those the viewer may not see included, which the
    reply's part key holds (api/read/keys.py, whose ``Positions`` counts the same
    for lists; a test holds the two equal): read with the replies, not apart."""
    qn = connection.ops.quote_name
    table, assignment, pk = qn(Reply._meta.db_table), qn("assignment_id"), qn("id")
    sql = (
        f"(SELECT COUNT(*) FROM {table} x WHERE x.{assignment} = {table}.{assignment}"
        f" AND x.{pk} < {table}.{pk})"
    )
    return replies.annotate(position=RawSQL(sql, (), output_field=IntegerField()))


_PUBLIC_REPLIES = Prepared(
    lambda pid: _with_positions(
        visibility.replies_with_comments(None).filter(assignment__proposal_id=pid)
    ),
    int,
)
# What the public's read of a proposal brings in its row (``_with_lists``).
_LISTS = {
    "signer_rows": _SIGNERS,
    "topic_rows": _TOPICS,
    "assignment_rows": _ASSIGNMENTS,
    "reply_rows": _PUBLIC_REPLIES,
}


def _with_lists(queryset: QuerySet[Proposal], content_type, *, history: bool) -> QuerySet:
    """The proposal's signers, topics, assignments and public replies (and with
    ``history`` its audit log, ``content_type`` the proposal's, and its body's
    terms, which the page labels with), each a column of its row
    (``Prepared.rows_column``): one statement for the public's page where there
    were seven, each list as its own query gives it."""
    qn = connection.ops.quote_name
    pid = Column(f"{qn(Proposal._meta.db_table)}.{qn('id')}")
    columns = {name: query.rows_column(pid) for name, query in _LISTS.items()}
    if history:
        columns["history_rows"] = HISTORY.rows_column(content_type, pid)
        body = Column(f"{qn(Session._meta.db_table)}.{qn('body_id')}")
        columns["term_rows"] = vocabulary.BODY_TERMS.rows_column(body)
    return queryset.annotate(
        **{name: RawSQL(*column, output_field=TextField()) for name, column in columns.items()}
    )


def _public_read(*, history: bool) -> Prepared:
    return Prepared(
        lambda key, ct: _with_lists(
            _proposal_row(visible_proposals(), key, ct), ct, history=history
        )[:2],
        str,
        int,
    )


# The API's read (``_PUBLIC_PROPOSAL``) and the page's, feed's and timeline's.
_PUBLIC_PROPOSAL = _public_read(history=False)
_PUBLIC_PAGE = _public_read(history=True)


def _transferred_from(assignments: list[Assignment]) -> None:
    """Each assignment's earlier one, from among the proposal's own (with its agency)."""
    by_id = {a.pk: a for a in assignments}
    for a in assignments:
        if a.transferred_from_id is not None:
            earlier = by_id.get(a.transferred_from_id)
            if earlier is None:
                earlier = Assignment.objects.select_related("agency").get(pk=a.transferred_from_id)
            a.transferred_from = earlier


def prefetched(instance, name: str, rows: list) -> None:
    """Give ``instance`` the related list ``name`` as fetched (``rows``), as a
    prefetch of it would: ``instance.<name>.all()`` then runs no query."""
    _none_prefetched(instance, name)
    instance._prefetched_objects_cache[name]._result_cache = rows


def _none_prefetched(instance, name: str) -> None:
    """Mark the related list ``name`` as fetched and empty (known to be so). Its
    prefetch cache is keyed by the relation's name, as a prefetch of it would be."""
    # A copy of the related model's empty queryset: building one (a manager's
    # none(), which clones a query) cost more than the rest of the read of a list.
    template = _empty(instance._meta.get_field(name).related_model)
    empty = object.__new__(type(template))
    empty.__dict__.update(template.__dict__)
    # Its own hints: a manager may add to a queryset's in place.
    empty._hints = dict(template._hints)
    empty._result_cache = []
    empty._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = empty


@functools.cache
def _empty(model) -> QuerySet:
    # From the related model's manager: the relation's own manager builds its
    # filter first. Its query is never changed in place: what filters it clones it.
    return model._default_manager.none()


def member_signatures(*, member) -> QuerySet[Signer]:
    """What a member signed, newest session first, with each proposal's context."""
    return (
        Signer.objects.filter(visibility.proposals_q(None, path="proposal"), member=member)
        .select_related("proposal__session__body", "proposal__kind")
        .order_by("-proposal__session__year", "proposal__session__body__key", "proposal__key")
    )


# ---------------------------------------------------------------------------
# Agencies' handling


def agency_assignments(*, agency: Organization) -> QuerySet[Assignment]:
    """The agency's assignments, latest first, with the proposal and its session."""
    return (
        Assignment.objects.filter(visibility.proposals_q(None, path="proposal"), agency=agency)
        .select_related("proposal__session__body", "proposal__kind")
        .order_by("-assigned_on", "-id")
    )


# ---------------------------------------------------------------------------
# Overviews: what a session or a member's record amounts to (public figures)


def session_topic_counts(*, session: Session, limit: int = 12) -> QuerySet[Topic]:
    """The session's most frequent topics, each annotated with ``proposal_count``."""
    return (
        Topic.objects.filter(proposals__session=session, proposals__published=True)
        .annotate(proposal_count=Count("proposals"))
        .order_by("-proposal_count", "key")[:limit]
    )


def session_key_proposals(*, session: Session, limit: int = 30) -> QuerySet[Proposal]:
    """The session's key proposals (selected for supervision), with their supervisor."""
    return (
        visible_proposals()
        .filter(session=session, is_key=True)
        .select_related("key_supervisor")
        .order_by("key")[:limit]
    )


def member_topic_counts(*, member) -> QuerySet[Topic]:
    """Topics of the published proposals a member signed, most frequent first."""
    signed = Signer.objects.filter(member=member, proposal__published=True)
    return (
        Topic.objects.filter(proposals__in=signed.values("proposal_id"))
        .annotate(proposal_count=Count("proposals", distinct=True))
        .order_by("-proposal_count", "key")
    )
