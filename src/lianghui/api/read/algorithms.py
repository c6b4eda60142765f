"""The register of algorithms and a proposal's interest flags, as JSON.

`/api/v1/algorithms/` answers what the portal's register page shows
(`insights.algorithms.register_of`): each automated function, its texts in the
reader's language (Accept-Language), and per body whether it is on, the trained
artifact's version and held-out figures, and the recorded decisions. Not in the
response cache: the artifacts on disk are not part of the data version.

`/api/v1/proposals/{key}/interest-flags/` answers a proposal's interest flags
with the member's statement beside each, as its page shows them.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers as s
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from lianghui.insights.algorithms import register_of
from lianghui.insights.interests import proposal_interest_flags
from lianghui.proposals.selectors import proposal_detail


class FigureSerializer(s.Serializer):
    key = s.CharField(help_text="The figure's key in the artifact's evaluation report.")
    label = s.CharField()
    value = s.FloatField()


class QualitySerializer(s.Serializer):
    figures = FigureSerializer(many=True)
    n_test = s.IntegerField(allow_null=True, help_text="Held-out proposals it was measured on.")
    n_train = s.IntegerField(allow_null=True)
    scheme = s.CharField(help_text="How the held-out set was drawn.")
    measured = s.CharField(help_text="When (UTC, ISO 8601): the artifact's creation.")


class ArtifactSerializer(s.Serializer):
    version = s.CharField(help_text="The artifact's name, as recorded with each decision.")
    created = s.CharField(help_text="When it was trained (UTC, ISO 8601).")
    data_sha256 = s.CharField(help_text="SHA-256 of the training rows.")
    n_proposals = s.IntegerField(allow_null=True, help_text="Proposals it was trained on.")
    n_overrides = s.IntegerField(allow_null=True, help_text="Of them, corrected by the office.")
    shared = s.BooleanField(help_text="True: trained over every body, not this one alone.")


class DecisionsSerializer(s.Serializer):
    total = s.IntegerField()
    accepted = s.IntegerField()
    overridden = s.IntegerField()
    dismissed = s.IntegerField()
    accepted_share = s.FloatField(allow_null=True)
    overridden_share = s.FloatField(allow_null=True)
    dismissed_share = s.FloatField(allow_null=True)


class AlgorithmBodySerializer(s.Serializer):
    body = s.CharField(help_text="The body's key.")
    enabled = s.BooleanField(help_text="Whether the function runs for this body.")
    artifact = ArtifactSerializer(allow_null=True, help_text="Null: no trained model in use.")
    quality = QualitySerializer(allow_null=True, help_text="Null: not measured.")
    decisions = DecisionsSerializer(
        allow_null=True, help_text="Null: people do not decide on this function's output."
    )


class AlgorithmSerializer(s.Serializer):
    key = s.CharField()
    name = s.CharField()
    what = s.CharField(help_text="What it does.")
    inputs = s.CharField()
    learns_from = s.CharField(help_text="What data it learnt from.")
    rule = s.CharField(help_text="What is used when no trained model is.")
    rule_version = s.CharField()
    shown = s.CharField(help_text="Where its output appears.")
    contest = s.CharField(help_text="How to contest an output.")
    personal = s.BooleanField(help_text="Whether it uses what is known about the reader.")
    per_body = s.BooleanField(help_text="Whether it can be switched off per body.")
    page = s.URLField(help_text="Its section on the portal's register page.")
    bodies = AlgorithmBodySerializer(many=True)


def _row(request, row: dict) -> dict:
    from django.urls import reverse

    a = row["algorithm"]
    bodies = []
    for b in row["bodies"]:
        art = b["artifact"]
        bodies.append(
            {
                "body": b["body"].key,
                "enabled": b["enabled"],
                "artifact": {
                    "version": art["version"],
                    "created": art["created"],
                    "data_sha256": art["data_sha256"],
                    "n_proposals": art["params"].get("n_proposals"),
                    "n_overrides": art["params"].get("n_overrides"),
                    "shared": not art["own"],
                }
                if art
                else None,
                "quality": b["quality"],
                "decisions": b["decisions"],
            }
        )
    return {
        "key": a.key,
        "name": str(a.name),
        "what": str(a.what),
        "inputs": str(a.inputs),
        "learns_from": str(a.learns_from),
        "rule": str(a.rule),
        "rule_version": row["rule_version"],
        "shown": str(a.shown),
        "contest": str(a.contest),
        "personal": a.personal,
        "per_body": a.per_body,
        "page": request.build_absolute_uri(reverse("portal:algorithms") + f"#{a.key}"),
        "bodies": bodies,
    }


class AlgorithmsView(APIView):
    """Every automated function, with its figures per body."""

    permission_classes = [AllowAny]
    pagination_class = None

    @extend_schema(
        summary="The register of algorithms",
        description=(
            "Every automated function: what it does, its inputs, what it learnt from, its"
            " version and held-out quality (from the trained artifact's metadata), the"
            " decisions people recorded on it, whether it is on for each body, and how to"
            " contest an output. Texts in the language asked for with Accept-Language."
        ),
        responses={200: AlgorithmSerializer(many=True)},
    )
    def get(self, request):
        return Response([_row(request, row) for row in register_of()])


class StatementSerializer(s.Serializer):
    text = s.CharField()
    updated_at = s.DateTimeField()


class InterestFlagSerializer(s.Serializer):
    member = s.CharField(help_text="The member's key.")
    organization = s.CharField(help_text="The organization's key.")
    role = s.CharField(help_text="The member's role in it.")
    sectors = s.ListField(child=s.CharField(), help_text="Its sectors that meet the topics.")
    topics = s.ListField(child=s.CharField(), help_text="The proposal's topics concerned (keys).")
    reason = s.CharField(help_text="Why the flag is raised, in the response's language.")
    statement = StatementSerializer(
        allow_null=True, help_text="What the member concerned says about it; null: nothing."
    )


class InterestFlagsView(APIView):
    """A proposal's interest flags, each with the member's statement."""

    permission_classes = [AllowAny]
    pagination_class = None

    @extend_schema(
        summary="A proposal's interest flags",
        description=(
            "Flags raised because a signer is affiliated, in the proposal's year, with an"
            " organization in a sector its topics concern (a fact to weigh, not a finding),"
            " with the statement the member concerned attached, if any. Empty where the"
            " proposal's body switched interest flags off."
        ),
        responses={200: InterestFlagSerializer(many=True)},
    )
    def get(self, request, key: str):
        try:
            proposal = proposal_detail(key=key, viewer=request.user)
        except ObjectDoesNotExist:
            raise Http404 from None
        return Response(
            [
                {
                    "member": f.member.key,
                    "organization": f.organization.key,
                    "role": f.affiliation.role,
                    "sectors": list(f.sectors),
                    "topics": [t.key for t in f.topics],
                    "reason": f.reason,
                    "statement": {"text": f.statement.text, "updated_at": f.statement.updated_at}
                    if f.statement
                    else None,
                }
                for f in proposal_interest_flags(proposal)
            ]
        )
