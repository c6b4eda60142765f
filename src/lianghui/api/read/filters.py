"""Query-string filters, declared with django-filter so they are validated (a
bad choice is a 400 naming the parameter) and documented in the OpenAPI
document. Validated values go to the apps' selectors, which do the filtering;
the filter sets never touch a queryset themselves."""

from __future__ import annotations

import django_filters as df
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError

from lianghui.commitments.enums import Outcome, Review
from lianghui.commitments.models import Commitment
from lianghui.laws.enums import RegulationKind, Stage
from lianghui.laws.models import Regulation
from lianghui.people.enums import AgencyLevel, OrganizationKind, Sector
from lianghui.people.models import Member, Organization
from lianghui.proposals.filters import PROPOSAL_FILTERS
from lianghui.proposals.models import Feedback, Proposal, Reply, Session, Topic
from lianghui.proposals.selectors import MAX_QUERY_LENGTH
from lianghui.search.filters import CHOICE, FLAG


def _key(field: str, help_text: str) -> df.CharFilter:
    return df.CharFilter(field_name=field, max_length=160, help_text=help_text)


def _q(help_text: str) -> df.CharFilter:
    return df.CharFilter(field_name="key", max_length=MAX_QUERY_LENGTH, help_text=help_text)


@extend_schema_field({"type": "string", "enum": ["true", "false"]})
class FlagFilter(df.TypedChoiceFilter):
    """true or false, nothing else."""


def _generated() -> FlagFilter:
    return FlagFilter(
        field_name="generated",
        choices=[("true", "true"), ("false", "false")],
        coerce=lambda value: value == "true",
        help_text="true: demo data only; false: real (cited) records only.",
    )


class SelectorFilterBackend(DjangoFilterBackend):
    """Validate the query string with the view's filter set, then let the view's
    ``select(params)`` build the queryset from the apps' selectors."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return view.select({})
        empty = [
            name
            for name, declared in filterset.filters.items()
            if isinstance(declared, df.ChoiceFilter) and request.query_params.get(name) == ""
        ]
        if empty:
            raise ValidationError(
                {name: [_("Give a value or leave the parameter out.")] for name in empty}
            )
        if not filterset.is_valid():
            raise ValidationError(
                {k: [str(e) for e in v] for k, v in filterset.form.errors.items()}
            )
        cleaned = {k: v for k, v in filterset.form.cleaned_data.items() if v not in ("", None)}
        return view.select(cleaned)


def filterset_for(model, declared, *, name: str, q: df.CharFilter | None = None):
    """A FilterSet derived from a list's declared filters (search/filters.py):
    references and keys as keys, vocabularies as choices, flags as true/false."""
    attrs: dict[str, object] = {"q": q} if q is not None else {}
    for decl in declared:
        if decl.kind == CHOICE:
            attrs[decl.name] = df.ChoiceFilter(
                field_name=decl.path, choices=list(decl.choices()), help_text=decl.help_text
            )
        elif decl.kind == FLAG:
            attrs[decl.name] = FlagFilter(
                field_name=decl.path,
                choices=[("true", "true"), ("false", "false")],
                coerce=lambda value: value == "true",
                help_text=decl.help_text,
            )
        else:
            attrs[decl.name] = _key(decl.path, decl.help_text)
    attrs["Meta"] = type("Meta", (), {"model": model, "fields": []})
    return type(name, (df.FilterSet,), attrs)


ProposalFilterSet = filterset_for(
    Proposal,
    PROPOSAL_FILTERS,
    name="ProposalFilterSet",
    q=_q("Full text: every word must occur in a title, summary or text."),
)


class SessionFilterSet(df.FilterSet):
    body = _key("body__key", "Body key.")
    year = df.NumberFilter(field_name="year", help_text="Year of the sitting.", min_value=1)

    class Meta:
        model = Session
        fields: list[str] = []


class TopicFilterSet(df.FilterSet):
    scheme = _key("scheme", "Topic scheme, e.g. tech.")
    body = _key("body", "Body key: the topics of the schemes the body uses.")

    class Meta:
        model = Topic
        fields: list[str] = []


class MemberFilterSet(df.FilterSet):
    q = _q("Name contains (Chinese or English).")
    body = _key("memberships__body__key", "Body key: members with a seat in it.")
    organization = _key(
        "affiliations__organization__key", "Organization key: affiliated or seated in it."
    )
    generated = _generated()

    class Meta:
        model = Member
        fields: list[str] = []


class OrganizationFilterSet(df.FilterSet):
    q = _q("Name contains (Chinese or English).")
    kind = df.ChoiceFilter(choices=OrganizationKind.choices, help_text="Kind of organization.")
    sector = df.ChoiceFilter(choices=Sector.choices, help_text="Industry.")
    generated = _generated()

    class Meta:
        model = Organization
        fields: list[str] = []


class AgencyFilterSet(df.FilterSet):
    q = _q("Name contains (Chinese or English).")
    level = df.ChoiceFilter(choices=AgencyLevel.choices, help_text="Level of government.")
    parent = _key("parent__key", "Parent agency key: its direct children.")
    body = _key("body", "Body key: the agencies handling its proposals (own and shared).")
    generated = _generated()

    class Meta:
        model = Organization
        fields: list[str] = []


class RegulationFilterSet(df.FilterSet):
    q = _q("Title contains.")
    kind = df.ChoiceFilter(choices=RegulationKind.choices, help_text="Kind of instrument.")
    jurisdiction = df.CharFilter(max_length=100, help_text="Exact jurisdiction, e.g. PRC.")
    stage = df.ChoiceFilter(choices=Stage.choices, help_text="The furthest milestone reached.")
    issuer = _key("issuers__key", "Issuing organization key.")
    generated = _generated()

    class Meta:
        model = Regulation
        fields: list[str] = []


class ReplyFilterSet(df.FilterSet):
    session = _key("assignment__proposal__session__key", "Session key.")
    agency = _key("assignment__agency__key", "Agency key.")
    proposal = _key("assignment__proposal__key", "Proposal key.")
    # A code, not a list of every body's categories: each body has its own words.
    category = df.CharFilter(
        max_length=30, help_text="A reply category code of the body (GET /api/v1/bodies/)."
    )

    class Meta:
        model = Reply
        fields: list[str] = []


class FeedbackFilterSet(df.FilterSet):
    session = _key("reply__assignment__proposal__session__key", "Session key.")
    agency = _key("reply__assignment__agency__key", "Agency key.")
    rating = df.CharFilter(
        max_length=30,
        help_text="A code of the body's satisfaction scale (GET /api/v1/bodies/).",
    )

    class Meta:
        model = Feedback
        fields: list[str] = []


class CommitmentFilterSet(df.FilterSet):
    session = _key("reply__assignment__proposal__session__key", "Session key.")
    agency = _key("reply__assignment__agency__key", "Agency key.")
    proposal = _key("reply__assignment__proposal__key", "Proposal key.")
    outcome = df.ChoiceFilter(choices=Outcome.choices, help_text=Outcome.help_text())
    review = df.ChoiceFilter(
        choices=Review.choices,
        help_text="Whether the office has checked it: suggested, confirmed (rejected: the office).",
    )

    class Meta:
        model = Commitment
        fields: list[str] = []


def include_param(raw: str | None, allowed: tuple[str, ...], default: set[str]) -> set[str]:
    """``include=a,b``: validated against what the resource offers."""
    if raw is None:
        return set(default)
    wanted = {part.strip() for part in raw.split(",") if part.strip()}
    unknown = wanted - set(allowed)
    if unknown:
        raise ValidationError(
            {
                "include": [
                    _("Unknown: %(unknown)s. Allowed: %(allowed)s.")
                    % {"unknown": ", ".join(sorted(unknown)), "allowed": ", ".join(allowed)}
                ]
            }
        )
    return wanted
