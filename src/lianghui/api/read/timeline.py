"""A proposal's timeline: the steps its page and feed show, in the same words.

`/api/v1/proposals/{key}/timeline/` answers the sentences of
`proposals/timeline.py` in the reader's language (Accept-Language, as on the
portal), with each step's kind, date and the records it names by key, so a
program can read what a person reads. Who sees which steps is the policy's
(`proposals/visibility.py`): the public sees published replies and the steps
the log marks public; a caller who may see the whole history sees it all.

The proposal detail points here with a `Link: <…>; rel="timeline"` header. The
sentences depend on the language, so they are not part of the stored detail
documents (one per proposal, whatever the language).
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.urls import reverse
from django.utils.translation import get_language
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework import serializers as s
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from lianghui.proposals import visibility
from lianghui.proposals.selectors import proposal_detail
from lianghui.proposals.timeline import RANK, Event, proposal_timeline

from . import cache
from .views import ConditionalMixin


class TimelineStepSerializer(s.Serializer):
    n = s.IntegerField(help_text="Position from 1; the portal page anchors it as #step-n.")
    kind = s.ChoiceField(choices=list(RANK), help_text="What happened: " + ", ".join(RANK) + ".")
    on = s.DateField(allow_null=True, help_text="The day it happened; null: not recorded.")
    text = s.CharField(help_text="The step in words, in the response's language.")
    agency = s.CharField(
        allow_null=True, help_text="Key of the agency the step concerns (assignments, replies)."
    )
    from_agency = s.CharField(allow_null=True, help_text="Transfers: the previous agency's key.")
    proposal = s.CharField(
        allow_null=True, help_text="Mergers: key of the proposal this one was merged into."
    )


class TimelineSerializer(s.Serializer):
    proposal = s.CharField(help_text="The proposal's key.")
    url = s.URLField(help_text="The proposal's API URL.")
    page = s.URLField(help_text="The proposal's page on the portal, where the timeline is shown.")
    language = s.CharField(help_text="Language of `text`: en or zh-hans (from Accept-Language).")
    complete = s.BooleanField(
        help_text="True: every step (the caller may see the whole history); false: the public's."
    )
    steps = TimelineStepSerializer(many=True, help_text="Oldest first.")


def _key(org) -> str | None:
    return org.key if org is not None else None


def _step(n: int, e: Event) -> dict:
    merged_into = e.link_label if e.kind == "merged" else None
    return {
        "n": n,
        "kind": e.kind,
        "on": e.on,
        # The page shows the merged proposal's title as a link after the sentence.
        "text": f"{e.text} {e.link_text}" if e.link_text else e.text,
        "agency": _key(e.agency),
        "from_agency": _key(e.other_agency),
        "proposal": merged_into.key if merged_into is not None else None,
    }


class ProposalTimelineView(ConditionalMixin, APIView):
    """The steps of one proposal's handling, in words."""

    permission_classes = [AllowAny]

    @extend_schema(
        summary="A proposal's timeline, in words",
        description=(
            "The steps of the proposal's handling as its portal page shows them, "
            "oldest first, in the language asked for with Accept-Language."
        ),
        parameters=[
            OpenApiParameter(
                "Accept-Language",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="en or zh-hans; the sentences are in this language.",
            )
        ],
        responses={200: TimelineSerializer},
    )
    def get(self, request, key: str):
        cached = cache.lookup(request)
        if cached is not None:
            return cached
        try:
            proposal = proposal_detail(key=key, viewer=request.user, history=True)
        except ObjectDoesNotExist:
            raise Http404 from None
        complete = visibility.may_see_whole_history(request.user, proposal)
        events = proposal_timeline(proposal=proposal, public=not complete, entries=proposal.history)
        data = {
            "proposal": proposal.key,
            "url": request.build_absolute_uri(reverse("api:proposal-detail", args=[key])),
            "page": request.build_absolute_uri(proposal.get_absolute_url()),
            "language": get_language(),
            "complete": complete,
            "steps": [_step(n, e) for n, e in enumerate(events, start=1)],
        }
        return Response(TimelineSerializer(data).data)
