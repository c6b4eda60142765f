"""Read endpoints: thin view sets that validate the query string, call the API's
selectors, paginate by cursor and serialize. No domain logic lives here."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, viewsets
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from lianghui.accounts.enums import Role
from lianghui.accounts.permissions import role_of
from lianghui.api.read import cache, public, selectors, serializers
from lianghui.api.read import filters as f
from lianghui.api.read.conditional import conditional
from lianghui.api.read.keys import NoSuchKey, Positions, nth_reply_id
from lianghui.api.read.pagination import KeysetPagination, decode_cursor, limit_of, next_link
from lianghui.api.tokens.idempotency import IDEMPOTENCY_PARAMETER as IDEMPOTENCY
from lianghui.api.tokens.throttling import WriteThrottle
from lianghui.api.write import inputs
from lianghui.core.links import record_url
from lianghui.laws.selectors import RegulationFilters
from lianghui.people.selectors import MemberFilters, OrganizationFilters
from lianghui.proposals import stamps
from lianghui.proposals.filters import PROPOSAL_FILTERS
from lianghui.proposals.selectors import MAX_QUERY_LENGTH, ProposalFilters
from lianghui.search.filters import FLAG, KEY, REFERENCE

KEY_REGEX = r"[A-Za-z0-9][A-Za-z0-9_-]*"
PART_KEY_REGEX = r"[A-Za-z0-9][A-Za-z0-9_-]*\.a[0-9]+\.r[0-9]+"


def include_parameter(allowed: tuple[str, ...], default: str) -> OpenApiParameter:
    return OpenApiParameter(
        "include",
        OpenApiTypes.STR,
        description=f"Comma-separated optional sections: {', '.join(allowed)}. {default}",
    )


class ConditionalMixin:
    """ETag/304 and caching headers on every read; anonymous answers are kept in
    the response cache (a view opts in by calling ``cache.lookup`` first)."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 200:
            if isinstance(response, Response):
                response.render()
            cache.store(request, response)
        return conditional(request, response)


class ReadViewSet(ConditionalMixin, viewsets.GenericViewSet):
    """List (filtered, cursor-paginated) and detail by key, read-only.

    Subclasses set ``filterset_class``, ``serializer_class`` and ``select``;
    ``keyset`` is the unique sort order the cursor walks.
    """

    permission_classes = [AllowAny]
    pagination_class = KeysetPagination
    filter_backends = [f.SelectorFilterBackend]
    lookup_field = "key"
    lookup_value_regex = KEY_REGEX
    keyset: tuple[str, ...] = ("key",)
    includes: tuple[str, ...] = ()
    default_detail_includes: tuple[str, ...] = ()

    def get_queryset(self):
        return self.filterset_class.Meta.model.objects.none()

    def select(self, params: dict):
        raise NotImplementedError

    @staticmethod
    def keyset_value(obj, field: str):
        for part in field.split("__"):
            obj = getattr(obj, part)
        return obj

    def include(self) -> set[str]:
        default = set() if self.action == "list" else set(self.default_detail_includes)
        return f.include_param(self.request.query_params.get("include"), self.includes, default)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["include"] = self._include
        context["viewer"] = self.request.user
        return context

    def extra_context(self, rows: list) -> dict:
        return {}

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self._include = set()
        if self.includes and self.action in {"list", "retrieve"}:
            self._include = self.include()

    def list(self, request, *args, **kwargs):
        cached = cache.lookup(request)
        if cached is not None:
            return cached
        rows = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        serializer = self.get_serializer(rows, many=True)
        serializer.context.update(self.extra_context(rows))
        return self.get_paginated_response(serializer.data)

    def get_object(self):
        try:
            obj = self.lookup(self.kwargs[self.lookup_field])
        except ObjectDoesNotExist:
            raise Http404 from None
        return obj

    def lookup(self, key: str):
        return self.select({}).get(key=key)

    def retrieve(self, request, *args, **kwargs):
        cached = cache.lookup(request)
        if cached is not None:
            return cached
        obj = self.get_object()
        serializer = self.get_serializer(obj)
        serializer.context.update(self.extra_context([obj]))
        return Response(serializer.data)


def _described(name: str, list_doc: str, detail_doc: str, params=()):
    return extend_schema_view(
        list=extend_schema(summary=f"List {name}", description=list_doc, parameters=list(params)),
        retrieve=extend_schema(
            summary=f"One of the {name}, by key", description=detail_doc, parameters=list(params)
        ),
    )


@_described("bodies", "Assemblies that receive proposals, with their kinds.", "A body.")
class BodyViewSet(ReadViewSet):
    serializer_class = serializers.BodySerializer
    filterset_class = None
    filter_backends = [f.SelectorFilterBackend]

    def get_queryset(self):
        from lianghui.proposals.models import Body

        return Body.objects.none()

    def select(self, params):
        return selectors.body_list()


SOURCES = include_parameter(("sources",), "Detail pages include them by default.")


@_described(
    "sessions", "Sittings of the bodies, with published proposal counts.", "A session.", [SOURCES]
)
class SessionViewSet(ReadViewSet):
    serializer_class = serializers.SessionSerializer
    filterset_class = f.SessionFilterSet
    includes = ("sources",)
    default_detail_includes = ("sources",)

    def select(self, p):
        return selectors.session_list(
            body=p.get("body", ""), year=p.get("year"), include_sources="sources" in self._include
        )


@_described("topics", "Topics of proposals.", "A topic.")
class TopicViewSet(ReadViewSet):
    serializer_class = serializers.TopicSerializer
    filterset_class = f.TopicFilterSet

    def select(self, p):
        return selectors.topic_list(scheme=p.get("scheme", ""), body=p.get("body", ""))


@_described("members", "Deputies and members, with seats and affiliations.", "A member.", [SOURCES])
class MemberViewSet(ReadViewSet):
    serializer_class = serializers.MemberSerializer
    filterset_class = f.MemberFilterSet
    includes = ("sources",)
    default_detail_includes = ("sources",)

    def select(self, p):
        filters = MemberFilters(
            body=p.get("body", ""),
            organization=p.get("organization", ""),
            generated=p.get("generated"),
        )
        return selectors.member_list(
            query=p.get("q", ""), filters=filters, include_sources="sources" in self._include
        )


@_described(
    "organizations", "Companies, agencies, groups and others.", "An organization.", [SOURCES]
)
class OrganizationViewSet(ReadViewSet):
    serializer_class = serializers.OrganizationSerializer
    filterset_class = f.OrganizationFilterSet
    includes = ("sources",)
    default_detail_includes = ("sources",)

    def select(self, p):
        filters = OrganizationFilters(
            kind=p.get("kind", ""), sector=p.get("sector", ""), generated=p.get("generated")
        )
        return selectors.organization_list(
            query=p.get("q", ""), filters=filters, include_sources="sources" in self._include
        )


@_described(
    "agencies", "Government agencies that handle proposals (a tree).", "An agency.", [SOURCES]
)
class AgencyViewSet(ReadViewSet):
    serializer_class = serializers.AgencySerializer
    filterset_class = f.AgencyFilterSet
    includes = ("sources",)
    default_detail_includes = ("sources",)

    def select(self, p):
        return selectors.organization_list(
            query=p.get("q", ""),
            filters=OrganizationFilters(generated=p.get("generated")),
            agencies_only=True,
            level=p.get("level", ""),
            parent=p.get("parent", ""),
            body=p.get("body", ""),
            include_sources="sources" in self._include,
        )


PROPOSAL_INCLUDE = include_parameter(
    selectors.PROPOSAL_INCLUDES, "A detail page includes them all unless told otherwise."
)


@_described(
    "proposals",
    "Proposals the caller may see (the public: published ones), by key.",
    "A proposal with its signers, review, assignments, replies, regulations and sources.",
    [PROPOSAL_INCLUDE],
)
class ProposalViewSet(ReadViewSet):
    serializer_class = serializers.ProposalSerializer
    filterset_class = f.ProposalFilterSet
    includes = selectors.PROPOSAL_INCLUDES
    default_detail_includes = selectors.PROPOSAL_INCLUDES

    def select(self, p):
        filters = ProposalFilters(
            **{d.name: p.get(d.name, None if d.kind == FLAG else "") for d in PROPOSAL_FILTERS}
        )
        user = self.request.user
        qs = selectors.proposal_list(viewer=user, query=p.get("q", ""), filters=filters)
        return selectors.with_proposal_includes(qs, self._include, viewer=user)

    def list(self, request, *args, **kwargs):
        stored = self._stored_list(request)
        return stored if stored is not None else super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        key = self.kwargs[self.lookup_field]
        # Keyed by the proposal's own stamp: writes to other proposals keep it.
        cached = cache.lookup(request, stamp=lambda: stamps.stamp(key))
        if cached is not None:
            return cached
        if self._public_default():
            document = public.detail(key)
            if document is not None:
                return _json(public.absolute(document, _base(request)))
        return super().retrieve(request, *args, **kwargs)

    def _public_default(self) -> bool:
        """Stored documents serve what the public sees with the default sections
        (unless they are switched off: LIANGHUI_API_DOCUMENTS)."""
        return (
            settings.LIANGHUI_API_DOCUMENTS
            and role_of(self.request.user) in selectors.PUBLIC_ROLES
            and "include" not in self.request.query_params
            and "format" not in self.request.query_params
        )

    def _stored_list(self, request) -> HttpResponse | None:
        """A list page from stored documents: the rendering path's filters, search,
        cursor and body, in one query (a search adds its capped pass). None when it
        cannot (then that path runs): other parameters, a value that path would
        refuse, a row not yet stored."""
        params = request.query_params
        if not self._public_default() or not set(params) <= STORED_LIST_PARAMS:
            return None
        filters = _simple_proposal_filters(params)
        query = params.get("q", "")
        if filters is None or len(query) > MAX_QUERY_LENGTH:
            return None
        cached = cache.lookup(request)
        if cached is not None:
            return cached
        limit = limit_of(request)
        cursor = params.get("cursor")
        after = decode_cursor(cursor, 1)[0] if cursor else None
        rows = public.listed(filters, after=after, limit=limit + 1, query=query)
        if rows is None:
            return None
        link = next_link(request, [rows[limit - 1][0]]) if len(rows) > limit else None
        base = _base(request)
        body = ",".join(public.absolute(doc, base) for _key, doc in rows[:limit])
        # A search's capped pass is worth keeping in the response cache.
        return _json(f'{{"next":{json.dumps(link)},"results":[{body}]}}', cheap=not query)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.action == "retrieve" and response.status_code in {200, 304}:
            # The timeline is in the reader's language, so it is a resource of its own.
            path = record_url("api:proposal-timeline", self.kwargs[self.lookup_field])
            response["Link"] = f'<{request.build_absolute_uri(path)}>; rel="timeline"'
        return response

    WRITES = {"create", "partial_update"}

    def get_permissions(self):
        return [IsAuthenticated()] if self.action in self.WRITES else super().get_permissions()

    def get_throttles(self):
        throttles = super().get_throttles()
        return [*throttles, WriteThrottle()] if self.action in self.WRITES else throttles

    @extend_schema(
        summary="Draft a proposal (member)",
        description="The caller leads it; named co-signers confirm where the kind needs them.",
        request=inputs.ProposalCreateInput,
        responses={201: serializers.ProposalSerializer},
        parameters=[IDEMPOTENCY],
    )
    def create(self, request, *args, **kwargs):
        from lianghui.api.write.views import ProposalCreateView

        return ProposalCreateView().post(request)

    @extend_schema(
        summary="Edit a draft (lead member)",
        description="Only the fields sent change: titles, summaries and texts. A draft"
        " only; the lead proposer only.",
        request=inputs.DraftEditInput,
        responses={200: serializers.ProposalSerializer},
        parameters=[IDEMPOTENCY],
    )
    def partial_update(self, request, *args, key=None, **kwargs):
        from lianghui.api.write.views import DraftEditView

        return DraftEditView().patch(request, key=key)

    def lookup(self, key: str):
        return selectors.proposal_for_detail(
            key=key, viewer=self.request.user, include=self._include
        )

    def extra_context(self, rows):
        if "assignments" not in self._include:
            return {}
        keys = {a.pk: p.key for p in rows for a in p.assignments.all()}
        if self.action == "retrieve":
            positions = Positions.of_one(rows[0])
        else:
            positions = Positions(p.pk for p in rows)
        return {"positions": positions, "proposal_keys": keys}


def _reply_id(request, key: str) -> int:
    """The id of the reply a part key names, among the proposals the caller may see."""
    try:
        return nth_reply_id(selectors.visible_proposal_qs(viewer=request.user), key)
    except NoSuchKey:
        raise Http404 from None


@_described(
    "replies",
    "Agencies' replies the caller may see (the public: published ones).",
    "A reply, by its key <proposal>.a<i>.r<j>.",
)
class ReplyViewSet(ReadViewSet):
    serializer_class = serializers.ReplySerializer
    filterset_class = f.ReplyFilterSet
    keyset = selectors.REPLY_KEYSET
    lookup_value_regex = PART_KEY_REGEX

    def select(self, p):
        return selectors.reply_list(viewer=self.request.user, **p)

    def lookup(self, key):
        return self.select({}).get(pk=_reply_id(self.request, key))

    def extra_context(self, rows):
        return {"positions": Positions(r.assignment.proposal_id for r in rows)}


@_described(
    "feedback summaries",
    "Proposers' ratings of the replies the caller may see (no comments).",
    "The rating of one reply, by the reply's key.",
)
class FeedbackViewSet(ReadViewSet):
    serializer_class = serializers.FeedbackSerializer
    filterset_class = f.FeedbackFilterSet
    keyset = selectors.FEEDBACK_KEYSET
    lookup_value_regex = PART_KEY_REGEX

    def select(self, p):
        return selectors.feedback_list(viewer=self.request.user, **p)

    def lookup(self, key):
        return self.select({}).get(reply_id=_reply_id(self.request, key))

    def extra_context(self, rows):
        return {"positions": Positions(fb.reply.assignment.proposal_id for fb in rows)}


@_described(
    "commitments",
    "What agencies said they would do, found in the replies the caller may see: the"
    " sentence that says it, the extraction's confidence and reasons, the office's"
    " check, and whether the record shows it kept, open or lapsed.",
    "A commitment, by its key <reply key>.<language><position>.",
)
class CommitmentViewSet(ReadViewSet):
    serializer_class = serializers.CommitmentSerializer
    filterset_class = f.CommitmentFilterSet
    keyset = selectors.COMMITMENT_KEYSET
    lookup_value_regex = PART_KEY_REGEX + r"\.(?:zh|en)[0-9]{1,5}"

    def select(self, p):
        return selectors.commitment_list(viewer=self.request.user, **p)

    def lookup(self, key):
        reply_key, _dot, sentence = key.rpartition(".")
        language, position = sentence[:2], int(sentence[2:])
        reply_id = _reply_id(self.request, reply_key)
        return self.select({}).get(reply_id=reply_id, language=language, position=position)

    def extra_context(self, rows):
        later = selectors.visible_replies(
            self.request.user, {c.kept_by_reply_id for c in rows if c.kept_by_reply_id}
        )
        return {
            "positions": Positions(c.reply.assignment.proposal_id for c in rows),
            "later_replies": later,
        }


REGULATION_INCLUDE = include_parameter(
    selectors.REGULATION_INCLUDES, "A detail page includes them all unless told otherwise."
)


@_described(
    "regulations",
    "Laws, regulations, rules and guidelines, with dated stages.",
    "A regulation with its stages, events, related proposals and sources.",
    [REGULATION_INCLUDE],
)
class RegulationViewSet(ReadViewSet):
    serializer_class = serializers.RegulationSerializer
    filterset_class = f.RegulationFilterSet
    includes = selectors.REGULATION_INCLUDES
    default_detail_includes = selectors.REGULATION_INCLUDES

    def select(self, p):
        filters = RegulationFilters(
            kind=p.get("kind", ""),
            jurisdiction=p.get("jurisdiction", ""),
            stage=p.get("stage", ""),
            issuer=p.get("issuer", ""),
            generated=p.get("generated"),
        )
        return selectors.regulation_list(
            query=p.get("q", ""), filters=filters, include=self._include
        )


class InboxView(ConditionalMixin, generics.ListAPIView):
    """An agency officer's open assignments: proposals being handled by their
    agency (administrators: every agency's), by proposal key."""

    permission_classes = [IsAuthenticated]
    pagination_class = KeysetPagination
    serializer_class = serializers.InboxSerializer
    keyset = selectors.INBOX_KEYSET
    keyset_value = staticmethod(ReadViewSet.keyset_value)

    def get_queryset(self):
        role = role_of(self.request.user)
        if role == Role.ADMIN:
            return selectors.inbox(agency_id=None)
        if role != Role.AGENCY:
            raise PermissionDenied(_("The inbox is for agency officers."))
        return selectors.inbox(agency_id=self.request.user.profile.agency_id)

    @extend_schema(summary="My agency's open assignments (agency officer)")
    def get(self, request, *args, **kwargs):
        rows = self.paginate_queryset(self.get_queryset())
        context = self.get_serializer_context() | {
            "positions": Positions(a.proposal_id for a in rows)
        }
        data = self.serializer_class(rows, many=True, context=context).data
        return self.get_paginated_response(data)


ROOT_LINKS = [
    "bodies",
    "sessions",
    "topics",
    "members",
    "organizations",
    "agencies",
    "proposals",
    "replies",
    "feedback",
    "regulations",
    "commitments",
]


class ApiRootView(ConditionalMixin, APIView):
    """Links to every list, the bulk downloads and the documentation."""

    permission_classes = [AllowAny]

    @extend_schema(
        summary="Index of the API",
        responses={
            200: {"type": "object", "additionalProperties": {"type": "string", "format": "uri"}}
        },
    )
    def get(self, request):
        links = {name: reverse(f"api:{_basename(name)}-list") for name in ROOT_LINKS}
        links |= {
            "inbox": reverse("api:inbox"),
            "algorithms": reverse("api:algorithms"),
            "bulk": reverse("api:bulk"),
            "schema": reverse("api:schema"),
            "docs": reverse("api:docs"),
        }
        return Response({k: request.build_absolute_uri(v) for k, v in links.items()})


KEY_FILTERS = tuple(d.name for d in PROPOSAL_FILTERS if d.kind in (KEY, REFERENCE))
STORED_LIST_PARAMS = {*(d.name for d in PROPOSAL_FILTERS), "q", "cursor", "limit"}


def _simple_proposal_filters(params) -> ProposalFilters | None:
    """The filters, when every value is one ProposalFilterSet accepts as it is (its
    declared lengths and choices); None otherwise (it then explains what is wrong)."""
    declared = f.ProposalFilterSet.base_filters
    values = {}
    for d in PROPOSAL_FILTERS:
        if d.name not in params:
            continue
        value = params[d.name]
        if d.kind in (KEY, REFERENCE):
            if not value or len(value) > declared[d.name].extra["max_length"]:
                return None
            values[d.name] = value
        else:
            if value not in dict(declared[d.name].extra["choices"]):
                return None
            values[d.name] = value == "true" if d.kind == FLAG else value
    return ProposalFilters(**values)


def _base(request) -> str:
    """Scheme and host, as links in answers start (what build_absolute_uri gives)."""
    return request.build_absolute_uri("/")[:-1]


def _json(text: str, *, cheap: bool = True) -> HttpResponse:
    """An answer made of stored documents: when ``cheap``, not worth a place in
    the response cache (reading the documents again costs less)."""
    response = HttpResponse(text.encode(), content_type="application/json")
    response.cheap = cheap
    return response


def _basename(name: str) -> str:
    return {"bodies": "body", "agencies": "agency", "replies": "reply", "feedback": "feedback"}.get(
        name, name.removesuffix("s")
    )


@extend_schema(exclude=True)
class NotFoundView(APIView):
    """Any other path under /api/v1/: a JSON 404, like every other refusal."""

    permission_classes = [AllowAny]

    def get(self, request, *args, **kwargs):
        raise Http404

    post = put = patch = delete = get
