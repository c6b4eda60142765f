"""A session's published highlights: `/api/v1/sessions/{key}/highlights/`.

The same items as the portal's highlights page and its Markdown export
(`digests/selectors.py`): the shown items of a published digest, in their
sections and order, with both languages, the reason each was chosen, and
whether the generator proposed it and a person changed it. Proposals the public
may no longer see drop out, as on the page. A draft is not public: 404.
"""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers as s
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from lianghui.digests import selectors as digests
from lianghui.digests.enums import Section

from . import cache
from .views import ConditionalMixin


class HighlightSerializer(s.Serializer):
    title_zh = s.CharField(help_text="Title in Chinese (may be empty).")
    title_en = s.CharField(help_text="Title in English (may be empty).")
    text_zh = s.CharField(help_text="What it says, in Chinese.")
    text_en = s.CharField(help_text="What it says, in English.")
    reason_zh = s.CharField(help_text="Why it was chosen, in Chinese.")
    reason_en = s.CharField(help_text="Why it was chosen, in English.")
    count = s.IntegerField(
        allow_null=True, help_text="The figure it reports (proposals, co-signers...)."
    )
    proposal = s.CharField(
        source="proposal.key", allow_null=True, help_text="The proposal it is about, by key."
    )
    topic = s.CharField(
        source="topic.key", allow_null=True, help_text="The topic it is about, by key."
    )
    member = s.CharField(
        source="member.key", allow_null=True, help_text="The member it is about, by key."
    )
    examples = s.SerializerMethodField(
        help_text="Keys of representative proposals the public may see."
    )
    generated = s.BooleanField(help_text="Proposed by the generator (false: added by a person).")
    changed = s.BooleanField(help_text="Edited or moved by a person since it was generated.")

    def get_examples(self, item) -> list[str]:
        return [p.key for p in item.examples]


class HighlightSectionSerializer(s.Serializer):
    """A ``digests.selectors.Part``."""

    section = s.ChoiceField(choices=Section.choices, help_text=Section.help_text())
    label = s.CharField(
        source="section.label", help_text="The section's name, in the response's language."
    )
    items = HighlightSerializer(many=True)


class HighlightsSerializer(s.Serializer):
    session = s.CharField(help_text="The session's key.")
    page = s.URLField(help_text="The highlights page on the portal.")
    markdown = s.URLField(help_text="The same highlights as a Markdown file.")
    generator = s.CharField(help_text="Version of the rules that chose the items.")
    generated_at = s.DateTimeField()
    published_at = s.DateTimeField()
    edited = s.BooleanField(help_text="A person changed, added or removed an item.")
    sections = HighlightSectionSerializer(many=True)


class SessionHighlightsView(ConditionalMixin, APIView):
    """A session's published highlights."""

    permission_classes = [AllowAny]

    @extend_schema(
        summary="A session's published highlights",
        description=(
            "The office's published highlights of the session (themes, what is new, the "
            "most co-signed, prominent members' proposals, the most followed), each with "
            "the reason it was chosen and whether a person changed it. 404 until published."
        ),
        responses={200: HighlightsSerializer},
    )
    def get(self, request, key: str):
        cached = cache.lookup(request)
        if cached is not None:
            return cached
        found = digests.published_digest(session_key=key)
        if found is None:
            raise Http404
        digest, parts = found
        data = {
            "session": key,
            "page": request.build_absolute_uri(reverse("digests:digest", args=[key])),
            "markdown": request.build_absolute_uri(reverse("digests:markdown", args=[key])),
            "generator": digest.generator,
            "generated_at": digest.generated_at,
            "published_at": digest.published_at,
            "edited": digests.edited(digest),
            "sections": parts,
        }
        return Response(HighlightsSerializer(data).data)
