"""Read serializers: explicit fields, each with help text for the API docs.

Records refer to each other by natural key (``key``), never by database id.
Optional sections (``include=``) are added by the view's context; a serializer
reads only what the selector has selected or prefetched.
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers as s

from lianghui.commitments.enums import Outcome as CommitmentOutcome
from lianghui.commitments.enums import Review as CommitmentReview
from lianghui.core.links import record_url
from lianghui.core.models import Language
from lianghui.core.roles import Role
from lianghui.laws.enums import (
    DatePrecision,
    EventKind,
    ProvisionKind,
    RegulationKind,
    Stage,
    VersionKind,
)
from lianghui.laws.selectors import STAGE_FIELD
from lianghui.people.enums import AgencyLevel, Gender, OrganizationKind, Sector
from lianghui.proposals import deadlines, visibility, vocabulary
from lianghui.proposals.enums import (
    AssignmentRole,
    BodyKind,
    DeadlineUnit,
    ReviewDecision,
    SignerRole,
    Status,
    VocabularyKind,
)

KEY = "The record's stable natural key (the same in every export and database)."


def _key(help_text: str = KEY, **kw) -> s.CharField:
    return s.CharField(help_text=help_text, **kw)


def _ref(help_text: str, source: str, **kw) -> s.CharField:
    return s.CharField(source=source, help_text=help_text, allow_null=True, **kw)


def _choice(enum, help_text: str = "", **kw) -> s.ChoiceField:
    return s.ChoiceField(choices=enum.choices, help_text=help_text or enum.help_text(), **kw)


def api_url(context: dict, route: str, key: str) -> str:
    """The API URL of ``route`` for ``key``, absolute when the serializer has a request."""
    path = reverse(f"api:{route}", args=[key])
    request = context.get("request")
    return request.build_absolute_uri(path) if request else path


class UrlField(s.Field):
    """The record's API URL."""

    def __init__(self, route: str, **kw):
        self.route = route
        super().__init__(source="*", read_only=True, **kw)

    def to_representation(self, obj) -> str:
        return api_url(self.context, self.route, obj.key)


UrlField = extend_schema_field(OpenApiTypes.URI)(UrlField)


class SourceSerializer(s.Serializer):
    source = s.CharField(source="source.key", help_text="The source's key.")
    title = s.CharField(source="source.title", help_text="The source document's title.")
    url = s.CharField(source="source.url", help_text="Where the source is published, if online.")
    field = s.CharField(help_text="The field this citation supports; empty: the whole record.")
    locator = s.CharField(help_text="Where in the source (a section or a short paraphrase).")


class _Sourced(s.Serializer):
    """Adds ``sources`` when the view was asked for them."""

    def get_fields(self):
        fields = super().get_fields()
        if "sources" not in self.context.get("include", ()):
            fields.pop("sources", None)
        return fields


# --- bodies, sessions, topics ---------------------------------------------------------------


class ProposalKindSerializer(s.Serializer):
    key = _key()
    code = s.CharField(help_text="The kind's code within its body, e.g. motion, suggestion.")
    name_zh = s.CharField(help_text="Name in Chinese.")
    name_en = s.CharField(help_text="Name in English.")
    min_cosigners = s.IntegerField(help_text="Confirmed co-signers a submission needs.")
    deadline_unit = _choice(
        DeadlineUnit,
        DeadlineUnit.help_text("The kind's own reply deadline; empty: the body's applies."),
        allow_blank=True,
    )
    deadline_count = s.IntegerField(allow_null=True, help_text="Days or months; with the unit.")
    deadline_by = s.CharField(
        help_text="With the kind's rule: due by this day of the year (MM-DD) at the latest."
    )
    deadline = s.SerializerMethodField(
        help_text="The deadline that applies to the kind, in words (its own or the body's)."
    )

    def get_deadline(self, kind) -> str:
        return deadlines.rule_text(kind)


def _code(help_text: str) -> s.CharField:
    return s.CharField(
        help_text=help_text + " A code of the body's vocabulary: GET /api/v1/bodies/ names it."
    )


class TermSerializer(s.Serializer):
    code = s.CharField(help_text="What records store.")
    label_zh = s.CharField(help_text="Name in Chinese.")
    label_en = s.CharField(help_text="Name in English.")
    description_zh = s.CharField(help_text="Explanation in Chinese.")
    description_en = s.CharField(help_text="Explanation in English.")


class VocabularySerializer(s.Serializer):
    """The body's words, per vocabulary, in order; an empty list: the body has none."""

    reply_category = TermSerializer(
        many=True, help_text=str(VocabularyKind.explain("reply_category"))
    )
    satisfaction = TermSerializer(many=True, help_text=str(VocabularyKind.explain("satisfaction")))
    handling_role = TermSerializer(
        many=True, help_text=str(VocabularyKind.explain("handling_role"))
    )
    outcome = TermSerializer(many=True, help_text=str(VocabularyKind.explain("outcome")))
    not_filed_reason = TermSerializer(
        many=True, help_text=str(VocabularyKind.explain("not_filed_reason"))
    )


class BodySerializer(s.Serializer):
    key = _key()
    url = UrlField("body-detail")
    name_zh = s.CharField(help_text="Name in Chinese.")
    name_en = s.CharField(help_text="Name in English.")
    short_name_en = s.CharField(help_text="Short English name, e.g. NPC.")
    kind = _choice(BodyKind)
    jurisdiction = s.CharField(help_text="Where the body sits, e.g. PRC.")
    deadline_unit = _choice(DeadlineUnit, DeadlineUnit.help_text("The reply deadline counts:"))
    deadline_count = s.IntegerField(help_text="Days or months an agency has to reply.")
    deadline_by = s.CharField(
        help_text="A day of the year (MM-DD) by which replies are due at the latest, or empty."
    )
    calendar = s.CharField(
        source="calendar.key",
        allow_null=True,
        default=None,
        help_text="Key of the holiday calendar working days are counted on; null: weekends only.",
    )
    deadline = s.SerializerMethodField(help_text="The reply deadline in words.")
    language = s.ChoiceField(
        choices=Language.choices,
        help_text="The body's working language (zh-hans or en): its records default to it.",
    )
    topic_schemes = s.ListField(
        child=s.CharField(), help_text="Keys of the topic schemes the body uses."
    )
    description_zh = s.CharField(help_text="What the body is, in Chinese.")
    description_en = s.CharField(help_text="What the body is, in English.")
    kinds = ProposalKindSerializer(many=True, help_text="Kinds of proposal the body accepts.")
    vocabulary = s.SerializerMethodField(
        help_text="The body's own words for reply categories, its satisfaction scale,"
        " handling roles, review outcomes and reasons for not filing; records store their codes."
    )

    @extend_schema_field(VocabularySerializer)
    def get_vocabulary(self, body) -> dict:
        return {
            name: TermSerializer(vocabulary.terms(body, name), many=True).data
            for name in VocabularyKind.values
        }

    def get_deadline(self, body) -> str:
        return deadlines.rule_text(body)


class SessionSerializer(_Sourced):
    key = _key()
    url = UrlField("session-detail")
    body = s.CharField(source="body.key", help_text="The body's key.")
    term = s.IntegerField(help_text="Term (届) of the body.")
    number = s.IntegerField(help_text="Session (次) within the term.")
    year = s.IntegerField(help_text="Year of the sitting.")
    opens_on = s.DateField(allow_null=True, help_text="Opening day.")
    closes_on = s.DateField(allow_null=True, help_text="Closing day.")
    name_zh = s.CharField(help_text="Name in Chinese.")
    name_en = s.CharField(help_text="Name in English.")
    proposal_count = s.IntegerField(help_text="Published proposals of the session.")
    sources = SourceSerializer(source="citations.all", many=True, help_text="Citations.")


class TopicSerializer(s.Serializer):
    key = _key()
    url = UrlField("topic-detail")
    scheme = s.CharField(help_text="The topic scheme, e.g. tech.")
    name_zh = s.CharField(help_text="Name in Chinese.")
    name_en = s.CharField(help_text="Name in English.")
    parent = _ref("The parent topic's key.", "parent.key")
    proposal_count = s.IntegerField(help_text="Published proposals with this topic.")


# --- people -----------------------------------------------------------------------------------


class MembershipSerializer(s.Serializer):
    body = s.CharField(source="body.key", help_text="The body's key.")
    group = _ref("Delegation or sector group (organization key).", "group.key")
    role = s.CharField(help_text="Role, e.g. deputy.")
    start_year = s.IntegerField(allow_null=True, help_text="First year.")
    end_year = s.IntegerField(allow_null=True, help_text="Last year; null: ongoing or unknown.")


class AffiliationSerializer(s.Serializer):
    organization = s.CharField(source="organization.key", help_text="Organization key.")
    role = s.CharField(help_text="Role, e.g. chairman and CEO.")
    start_year = s.IntegerField(allow_null=True, help_text="First year.")
    end_year = s.IntegerField(allow_null=True, help_text="Last year; null: ongoing or unknown.")


class MemberSerializer(_Sourced):
    key = _key()
    url = UrlField("member-detail")
    name_zh = s.CharField(help_text="Name in Chinese.")
    name_en = s.CharField(help_text="Name in English.")
    gender = s.ChoiceField(choices=[*Gender.choices, ("", "")], help_text="female, male or empty.")
    bio_zh = s.CharField(help_text="Short biography in Chinese.")
    bio_en = s.CharField(help_text="Short biography in English.")
    generated = s.BooleanField(help_text="Made by the demo generator, not a real person.")
    proposal_count = s.IntegerField(help_text="Published proposals the member signed.")
    memberships = MembershipSerializer(many=True, help_text="Seats in bodies over the years.")
    affiliations = AffiliationSerializer(many=True, help_text="Roles in organizations.")
    sources = SourceSerializer(source="citations.all", many=True, help_text="Citations.")


class OrganizationSerializer(_Sourced):
    key = _key()
    url = UrlField("organization-detail")
    name_zh = s.CharField(help_text="Name in Chinese.")
    name_en = s.CharField(help_text="Name in English.")
    short_name_en = s.CharField(help_text="Short English name.")
    kind = _choice(OrganizationKind)
    sector = s.ChoiceField(choices=[*Sector.choices, ("", "")], help_text="Industry, if any.")
    parent = _ref("The parent organization's key (agencies form a tree).", "parent.key")
    level = s.ChoiceField(
        choices=[*AgencyLevel.choices, ("", "")], help_text="Agencies: level of government."
    )
    responsibilities = s.CharField(help_text="Agencies: their remit.")
    body = _ref("Delegations and sector groups: the body's key.", "body.key")
    generated = s.BooleanField(help_text="Made by the demo generator.")
    sources = SourceSerializer(source="citations.all", many=True, help_text="Citations.")


class AgencySerializer(OrganizationSerializer):
    url = UrlField("agency-detail")


# --- proposals --------------------------------------------------------------------------------


class SignerSerializer(s.Serializer):
    member = _ref("The signing member's key (or null for a group).", "member.key")
    group = _ref("The signing group's key (or null for a member).", "group.key")
    role = _choice(SignerRole)
    confirmed = s.BooleanField(help_text="The co-signer confirmed their signature.")


class ReviewSerializer(s.Serializer):
    decision = _choice(ReviewDecision, "The office's filing decision.")
    reason = _code("Why it was not filed (empty otherwise).")
    note = s.CharField(help_text="The office's note.")
    decided_on = s.DateField(allow_null=True, help_text="Day of the decision.")

    def to_representation(self, r):
        # Built directly, as the proposal's (test_read.py holds the two equal).
        return {
            "decision": r.decision,
            "reason": r.reason,
            "note": r.note,
            "decided_on": r.decided_on.isoformat() if r.decided_on else None,
        }


COMMENT_HELP = (
    "The proposer's comment: shown when the proposer published it, or to those"
    " handling the reply (its agency, the proposal's signers, the office); else null."
)


class FeedbackSummarySerializer(s.Serializer):
    rating = _code("The proposer's rating of the reply.")
    given_on = s.DateField(allow_null=True, help_text="Day of the rating.")
    comment = s.CharField(allow_null=True, help_text=COMMENT_HELP)
    comment_public = s.BooleanField(help_text="The proposer published the comment.")


def _feedback_of(reply):
    """The reply's feedback as the viewer may see it: the selector annotated the
    reply with the policy's ``comment_shown``."""
    fb = getattr(reply, "feedback", None)
    if fb is None:
        return None
    return {
        "rating": fb.rating,
        "given_on": fb.given_on.isoformat() if fb.given_on else None,
        "comment": fb.comment if getattr(reply, "comment_shown", False) else None,
        "comment_public": fb.comment_public,
    }


class _PartKeys(s.Serializer):
    """Keys of assignments and replies from the view's Positions (see api/keys.py)."""

    def _positions(self):
        return self.context["positions"]


class NestedReplySerializer(_PartKeys):
    key = s.SerializerMethodField(help_text="The reply's key: <proposal>.a<i>.r<j>.")
    category = _code("The reply's category (empty for a body without categories).")
    replied_on = s.DateField(help_text="Day of the reply.")
    text_zh = s.CharField(help_text="Reply text in Chinese.")
    text_en = s.CharField(help_text="Reply text in English.")
    published = s.BooleanField(help_text="Visible to the public.")
    feedback = s.SerializerMethodField(help_text="The proposer's rating, or null.")

    def get_key(self, reply) -> str:
        a = reply.assignment_id
        return self._positions().reply_key(self.context["proposal_keys"][a], a, reply.pk)

    @extend_schema_field(FeedbackSummarySerializer(allow_null=True))
    def get_feedback(self, reply):
        return _feedback_of(reply)

    def to_representation(self, reply):
        # Built directly, as ProposalSerializer's (a test compares both with the
        # declared fields): a detail's replies were a third of its serializing.
        return {
            "key": self.get_key(reply),
            "category": reply.category,
            "replied_on": reply.replied_on.isoformat(),
            "text_zh": reply.text_zh,
            "text_en": reply.text_en,
            "published": reply.published,
            "feedback": _feedback_of(reply),
        }


class AssignmentSerializer(_PartKeys):
    key = s.SerializerMethodField(help_text="The assignment's key: <proposal>.a<i>.")
    agency = s.CharField(source="agency.key", help_text="The agency's key.")
    role = _choice(AssignmentRole)
    assigned_on = s.DateField(help_text="Day of assignment.")
    due_on = s.DateField(help_text="Reply due by.")
    due_rule = s.CharField(
        help_text="How the due date was set, in words: the rule and the day it counts from."
    )
    active = s.BooleanField(help_text="False once transferred to another agency.")
    transferred_from = s.SerializerMethodField(
        help_text="Key of the assignment this one was transferred from."
    )
    replies = NestedReplySerializer(many=True, source="replies.all", help_text="Replies.")

    def get_key(self, a) -> str:
        return self._positions().assignment_key(self.context["proposal_keys"][a.pk], a.pk)

    def get_transferred_from(self, a) -> str | None:
        if a.transferred_from_id is None:
            return None
        keys = self.context["proposal_keys"]
        return self._positions().assignment_key(keys[a.pk], a.transferred_from_id)

    def to_representation(self, a):
        replies = NestedReplySerializer(context=self.context)
        return {
            "key": self.get_key(a),
            "agency": a.agency.key,
            "role": a.role,
            "assigned_on": a.assigned_on.isoformat(),
            "due_on": a.due_on.isoformat(),
            "due_rule": str(a.due_rule),
            "active": a.active,
            "transferred_from": self.get_transferred_from(a),
            "replies": [replies.to_representation(r) for r in a.replies.all()],
        }


class ProposalSerializer(_Sourced):
    key = _key()
    url = UrlField("proposal-detail")
    session = s.CharField(source="session.key", help_text="The session's key.")
    body = s.CharField(source="session.body.key", help_text="The body's key.")
    kind = s.CharField(source="kind.key", help_text="The proposal kind's key.")
    number = s.CharField(help_text="The body's own number (unique per session and kind).")
    original_language = s.CharField(help_text="zh-hans or en.")
    title_zh = s.CharField(help_text="Title in Chinese.")
    title_en = s.CharField(help_text="Title in English.")
    summary_zh = s.CharField(help_text="Summary in Chinese.")
    summary_en = s.CharField(help_text="Summary in English.")
    text_zh = s.CharField(help_text="Full text in Chinese (include=text).")
    text_en = s.CharField(help_text="Full text in English (include=text).")
    submitted_on = s.DateField(allow_null=True, help_text="Day of submission.")
    status = _choice(Status)
    published = s.BooleanField(help_text="Visible to the public.")
    is_key = s.BooleanField(help_text="Selected for key supervision (重点督办).")
    key_supervisor = _ref(
        "Key proposals: the supervising committee's key, if named.", "key_supervisor.key"
    )
    generated = s.BooleanField(help_text="Made by the demo generator, not a real proposal.")
    merged_into = s.SerializerMethodField(help_text="Key of the proposal this was merged into.")
    lead = s.SerializerMethodField(help_text="The lead proposer: a member's or group's key.")
    topics = s.SerializerMethodField(help_text="Topic keys.")
    signers = SignerSerializer(
        many=True, source="signers.all", help_text="Lead and co-signers (include=signers)."
    )
    review = s.SerializerMethodField(help_text="The office's decision (include=review).")
    assignments = s.SerializerMethodField(help_text="Agencies and replies (include=assignments).")
    regulations = s.SerializerMethodField(help_text="Related regulations (include=regulations).")
    sources = SourceSerializer(source="citations.all", many=True, help_text="Citations.")

    OPTIONAL = {
        "text": ("text_zh", "text_en"),
        "signers": ("signers",),
        "review": ("review",),
        "assignments": ("assignments",),
        "regulations": ("regulations",),
        "sources": ("sources",),
    }

    def get_fields(self):
        fields = super().get_fields()
        include = self.context.get("include", ())
        for name, dropped in self.OPTIONAL.items():
            if name not in include:
                for f in dropped:
                    fields.pop(f, None)
        return fields

    def to_representation(self, p):
        """The same document as the declared fields give (they stay the schema, and
        a test compares both), built directly: lists of proposals are the API's
        hottest path and DRF's generic field walk was most of their time."""
        include = self.context.get("include", ())
        out = {
            "key": p.key,
            "url": self._url(p.key),
            "session": p.session.key,
            "body": p.session.body.key,
            "kind": p.kind.key,
            "number": p.number,
            "original_language": p.original_language,
            "title_zh": p.title_zh,
            "title_en": p.title_en,
            "summary_zh": p.summary_zh,
            "summary_en": p.summary_en,
        }
        if "text" in include:
            out["text_zh"], out["text_en"] = p.text_zh, p.text_en
        out["submitted_on"] = p.submitted_on.isoformat() if p.submitted_on else None
        out["status"] = p.status
        out["published"] = p.published
        out["is_key"] = p.is_key
        out["key_supervisor"] = p.key_supervisor.key if p.key_supervisor_id else None
        out["generated"] = p.generated
        out["merged_into"] = self.get_merged_into(p)
        out["lead"] = self.get_lead(p)
        out["topics"] = self.get_topics(p)
        if "signers" in include:
            out["signers"] = [
                {
                    "member": x.member.key if x.member_id else None,
                    "group": x.group.key if x.group_id else None,
                    "role": x.role,
                    "confirmed": x.confirmed,
                }
                for x in p.signers.all()
            ]
        if "review" in include:
            out["review"] = self.get_review(p)
        if "assignments" in include:
            out["assignments"] = self.get_assignments(p)
        if "regulations" in include:
            out["regulations"] = self.get_regulations(p)
        if "sources" in include:
            out["sources"] = SourceSerializer(p.citations.all(), many=True).data
        return out

    def _url(self, key: str) -> str:
        # The pattern reversed once per process (record_url), the host added once
        # per list, not once per row.
        template = self.context.get("_proposal_url")
        if template is None:
            path = record_url("api:proposal-detail", "KEY")
            request = self.context.get("request")
            template = request.build_absolute_uri(path) if request else path
            self.context["_proposal_url"] = template
        return template.replace("/KEY/", f"/{key}/")

    def get_merged_into(self, p) -> str | None:
        target = p.merged_into
        if target is None:
            return None
        shown = visibility.may_see_proposal(self.context.get("viewer"), target)
        return target.key if shown else None

    def get_lead(self, p) -> str | None:
        signers = getattr(p, "lead_signers", None)
        if signers is None:
            signers = [x for x in p.signers.all() if x.role == SignerRole.LEAD]
        if not signers:
            return None
        lead = signers[0]
        return lead.member.key if lead.member_id else lead.group.key

    def get_topics(self, p) -> list[str]:
        return sorted(t.key for t in p.topics.all())

    @extend_schema_field(ReviewSerializer(allow_null=True))
    def get_review(self, p):
        review = getattr(p, "review", None)
        return ReviewSerializer(review).data if review else None

    @extend_schema_field(AssignmentSerializer(many=True))
    def get_assignments(self, p):
        rows = list(p.assignments.all())
        context = self.context | {"proposal_keys": self.context["proposal_keys"]}
        return AssignmentSerializer(rows, many=True, context=context).data

    def get_regulations(self, p) -> list[str]:
        return [r.key for r in p.regulations.all()]


# --- replies and feedback -------------------------------------------------------------------


class ReplySerializer(_PartKeys):
    key = s.SerializerMethodField(help_text="The reply's key: <proposal>.a<i>.r<j>.")
    url = s.SerializerMethodField(help_text="The reply's API URL.")
    proposal = s.CharField(source="assignment.proposal.key", help_text="The proposal's key.")
    assignment = s.SerializerMethodField(help_text="The assignment's key: <proposal>.a<i>.")
    agency = s.CharField(source="assignment.agency.key", help_text="The replying agency's key.")
    role = _choice(AssignmentRole, source="assignment.role")
    category = _code("The reply's category (empty for a body without categories).")
    replied_on = s.DateField(help_text="Day of the reply.")
    text_zh = s.CharField(help_text="Reply text in Chinese.")
    text_en = s.CharField(help_text="Reply text in English.")
    published = s.BooleanField(help_text="Visible to the public.")
    feedback = s.SerializerMethodField(help_text="The proposer's rating, or null.")

    def get_key(self, r) -> str:
        return self._positions().reply_key(r.assignment.proposal.key, r.assignment_id, r.pk)

    def get_url(self, r) -> str:
        return api_url(self.context, "reply-detail", self.get_key(r))

    def get_assignment(self, r) -> str:
        return self._positions().assignment_key(r.assignment.proposal.key, r.assignment_id)

    @extend_schema_field(FeedbackSummarySerializer(allow_null=True))
    def get_feedback(self, r):
        return _feedback_of(r)


class FeedbackSerializer(_PartKeys):
    reply = s.SerializerMethodField(help_text="The rated reply's key.")
    url = s.SerializerMethodField(help_text="This feedback's API URL.")
    proposal = s.CharField(source="reply.assignment.proposal.key", help_text="The proposal's key.")
    agency = s.CharField(source="reply.assignment.agency.key", help_text="The agency's key.")
    rating = _code("The proposer's rating of the reply.")
    given_on = s.DateField(allow_null=True, help_text="Day of the rating.")
    comment = s.SerializerMethodField(help_text=COMMENT_HELP)
    comment_public = s.BooleanField(help_text="The proposer published the comment.")

    def get_comment(self, fb) -> str | None:
        # The selector annotated the policy's answer (visibility.comment_shown).
        return fb.comment if getattr(fb, "comment_shown", False) else None

    def get_reply(self, fb) -> str:
        a = fb.reply.assignment
        return self._positions().reply_key(a.proposal.key, a.pk, fb.reply_id)

    def get_url(self, fb) -> str:
        return api_url(self.context, "feedback-detail", self.get_reply(fb))


class CommitmentSerializer(_PartKeys):
    key = s.SerializerMethodField(
        help_text="The commitment's key: <reply key>.<language><sentence position>."
    )
    url = s.SerializerMethodField(help_text="The commitment's API URL.")
    reply = s.SerializerMethodField(help_text="The key of the reply that states it.")
    proposal = s.CharField(source="reply.assignment.proposal.key", help_text="The proposal's key.")
    agency = s.CharField(source="reply.assignment.agency.key", help_text="The agency's key.")
    replied_on = s.DateField(source="reply.replied_on", help_text="Day of the reply.")
    sentence = s.CharField(help_text="The sentence of the reply that states it, as it stands.")
    language = s.CharField(help_text="zh or en: the reply text the sentence is in.")
    position = s.IntegerField(help_text="The sentence's place in that text (from 0).")
    confidence = s.FloatField(help_text="How sure the extraction is, from 0 to 1.")
    reasons = s.ListField(
        child=s.CharField(), help_text="Why the sentence was taken for a commitment."
    )
    due_on = s.DateField(allow_null=True, help_text="The date it names, if any.")
    due_precision = s.CharField(help_text="day, month or year: how precise due_on is.")
    plan = s.CharField(help_text="The plan or programme it names, if any.")
    review = _choice(
        CommitmentReview,
        help_text="suggested: found automatically, not yet checked; confirmed or rejected"
        " by the office (rejected ones only the office sees).",
    )
    outcome = _choice(CommitmentOutcome)
    outcome_on = s.DateField(allow_null=True, help_text="Day the outcome was reached.")
    kept_by_regulation = s.SerializerMethodField(
        help_text="The key of the regulation whose later stage shows it kept, or null."
    )
    kept_by_reply = s.SerializerMethodField(
        help_text="The key of the later reply that shows it kept, or null."
    )

    def _reply_key(self, reply) -> str:
        a = reply.assignment
        return self._positions().reply_key(a.proposal.key, a.pk, reply.pk)

    def get_key(self, c) -> str:
        return f"{self._reply_key(c.reply)}.{c.language}{c.position}"

    def get_url(self, c) -> str:
        return api_url(self.context, "commitment-detail", self.get_key(c))

    def get_reply(self, c) -> str:
        return self._reply_key(c.reply)

    def get_kept_by_regulation(self, c) -> str | None:
        return c.kept_by_regulation.key if c.kept_by_regulation_id else None

    def get_kept_by_reply(self, c) -> str | None:
        if not c.kept_by_reply_id:
            return None
        a = c.reply.assignment
        # A later reply of the same agency to the same proposal (commitments.services).
        assignment_id = self.context["later_replies"].get(c.kept_by_reply_id)
        if assignment_id is None:
            return None
        return self._positions().reply_key(a.proposal.key, assignment_id, c.kept_by_reply_id)


class InboxSerializer(_PartKeys):
    key = s.SerializerMethodField(help_text="The assignment's key: <proposal>.a<i>.")
    proposal = s.CharField(source="proposal.key", help_text="The proposal's key.")
    title_zh = s.CharField(source="proposal.title_zh", help_text="Proposal title in Chinese.")
    title_en = s.CharField(source="proposal.title_en", help_text="Proposal title in English.")
    session = s.CharField(source="proposal.session.key", help_text="The session's key.")
    agency = s.CharField(source="agency.key", help_text="The agency's key.")
    role = _choice(AssignmentRole)
    assigned_on = s.DateField(help_text="Day of assignment.")
    due_on = s.DateField(help_text="Reply due by.")
    due_rule = s.CharField(
        help_text="How the due date was set, in words: the rule and the day it counts from."
    )
    transfer_requested_on = s.DateField(
        allow_null=True, help_text="The agency asked the office to reassign it."
    )
    awaiting_reply = s.BooleanField(
        source="awaiting",
        help_text="No reply yet, or the latest was rated unsatisfied (handling reopened).",
    )

    def get_key(self, a) -> str:
        return self._positions().assignment_key(a.proposal.key, a.pk)


# --- regulations --------------------------------------------------------------------------------


class StageSerializer(s.Serializer):
    stage = _choice(Stage, "The milestone.")
    date = s.DateField(help_text="When it was reached (the first day of a month or year).")
    date_precision = _choice(DatePrecision, "How much of the date the source states.")


class EventSerializer(s.Serializer):
    date = s.DateField(help_text="Day of the event (the first day of a month or year).")
    date_precision = _choice(DatePrecision, "How much of the date the source states.")
    kind = _choice(EventKind)
    note_zh = s.CharField(help_text="Note in Chinese.")
    note_en = s.CharField(help_text="Note in English.")


class ProvisionSerializer(s.Serializer):
    position = s.IntegerField(help_text="Order within the version.")
    kind = _choice(ProvisionKind)
    number = s.CharField(help_text="The label the text gives, e.g. 第三条.")
    parent = s.SerializerMethodField(help_text="Position of the enclosing provision, or null.")
    heading_zh = s.CharField(help_text="Heading in Chinese.")
    heading_en = s.CharField(help_text="Heading in English.")
    text_zh = s.CharField(help_text="Text in Chinese.")
    text_en = s.CharField(help_text="Text in English.")

    def get_parent(self, p) -> int | None:
        return p.parent.position if p.parent_id else None


class VersionSerializer(s.Serializer):
    id = s.IntegerField(help_text="Identifier, for the comparison page.")
    kind = _choice(VersionKind)
    label_zh = s.CharField(help_text="Label in Chinese.")
    label_en = s.CharField(help_text="Label in English.")
    date = s.DateField(help_text="Date (the first day of a month or year).")
    date_precision = _choice(DatePrecision, "How much of the date the source states.")
    issuer = s.SerializerMethodField(help_text="Issuing organization's key, or null.")
    source_url = s.CharField(help_text="Where the text was published.")
    generated = s.BooleanField(help_text="Text written for the demo, not quoted.")
    provisions = ProvisionSerializer(many=True, source="provisions.all", help_text="The text.")

    def get_issuer(self, v) -> str | None:
        return v.issuer.key if v.issuer_id else None


class LinkSerializer(s.Serializer):
    proposal = s.CharField(source="proposal.key", help_text="Proposal key.")
    score = s.FloatField(allow_null=True, help_text="Text similarity when suggested.")
    shared_terms = s.ListField(child=s.CharField(), help_text="Terms both texts use.")
    shared_passages = s.ListField(child=s.CharField(), help_text="Passages both texts share.")
    decided_at = s.DateTimeField(allow_null=True, help_text="When the office confirmed it.")


class RegulationSerializer(_Sourced):
    key = _key()
    url = UrlField("regulation-detail")
    title_zh = s.CharField(help_text="Title in Chinese.")
    title_en = s.CharField(help_text="Title in English.")
    short_name_en = s.CharField(help_text="Short English name.")
    kind = _choice(RegulationKind, "Kind of instrument.")
    jurisdiction = s.CharField(help_text="Where it applies, e.g. PRC, Shenzhen.")
    category = s.CharField(help_text="Subject category.")
    document_number = s.CharField(help_text="Official document number.")
    summary_zh = s.CharField(help_text="Summary in Chinese.")
    summary_en = s.CharField(help_text="Summary in English.")
    stage = s.SerializerMethodField(help_text="The furthest milestone reached, or null.")
    stages = s.SerializerMethodField(help_text="Dated milestones, in order.")
    expired = s.BooleanField(help_text="No longer in force.")
    generated = s.BooleanField(help_text="Made by the demo generator.")
    issuers = s.SerializerMethodField(help_text="Issuing organizations' keys.")
    events = EventSerializer(many=True, source="events.all", help_text="include=events.")
    related_proposals = s.SerializerMethodField(
        help_text="Published proposals it answered (include=related_proposals)."
    )
    links = LinkSerializer(
        many=True,
        source="asked_by",
        help_text="Proposals that asked for it, confirmed by the office (include=links).",
    )
    versions = VersionSerializer(
        many=True,
        source="versions.all",
        help_text="Texts with their provisions (include=versions).",
    )
    sources = SourceSerializer(source="citations.all", many=True, help_text="Citations.")

    def get_fields(self):
        fields = super().get_fields()
        include = self.context.get("include", ())
        for name in ("events", "related_proposals", "links", "versions"):
            if name not in include:
                fields.pop(name)
        return fields

    @extend_schema_field(s.ChoiceField(choices=Stage.choices, allow_null=True))
    def get_stage(self, r):
        stage = r.stage
        return stage.value if stage else None

    @extend_schema_field(StageSerializer(many=True))
    def get_stages(self, r):
        return [
            {
                "stage": st.value,
                "date": d.isoformat(),
                "date_precision": r.precision_of(STAGE_FIELD[st.value]),
            }
            for st, d in r.milestones()
        ]

    def get_issuers(self, r) -> list[str]:
        return [o.key for o in r.issuers.all()]

    def get_related_proposals(self, r) -> list[str]:
        return [p.key for p in r.related_proposals.all()]


ROLE_VALUES = Role.values
