"""Input serializers for the write endpoints: strict types, unknown fields
refused, references by key. They only parse; the services decide."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers as s

from lianghui.core.models import Language
from lianghui.exchange.schema import MAX_TEXT, UNSTORABLE
from lianghui.people.enums import OrganizationKind
from lianghui.people.models import Member, Organization
from lianghui.proposals.enums import AssignmentRole, ReviewDecision
from lianghui.proposals.models import ProposalKind, Session, Topic


class StrictChar(s.CharField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            raise s.ValidationError(_("Must be a string, not %s.") % _json_type(data))
        return super().to_internal_value(data)


class StrictBool(s.BooleanField):
    def to_internal_value(self, data):
        if not isinstance(data, bool):
            raise s.ValidationError(_("Must be true or false, not %s.") % _json_type(data))
        return data


class StrictChoice(s.ChoiceField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            raise s.ValidationError(_("Must be a string, not %s.") % _json_type(data))
        if data not in self.choices:
            raise s.ValidationError(
                _("%(value)r is not one of: %(allowed)s.")
                % {"value": data[:60], "allowed": ", ".join(map(str, self.choices))}
            )
        return data


def code(help_text: str, *, required: bool = True) -> StrictChar:
    """A code of the proposal's body's vocabulary: the service checks it against the
    body's terms and names the field when it is not one of them."""
    if required:
        return StrictChar(max_length=30, help_text=help_text)
    return StrictChar(
        max_length=30, required=False, allow_blank=True, default="", help_text=help_text
    )


class ByKey(s.SlugRelatedField):
    """A reference by natural key."""

    def __init__(self, **kw):
        super().__init__(slug_field="key", **kw)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            raise s.ValidationError(_("Must be a key (a string), not %s.") % _json_type(data))
        if UNSTORABLE.search(data):  # no key holds one, and a database query would fail
            raise s.ValidationError(_("No record with key %r.") % data[:160])
        try:
            return self.get_queryset().get(key=data)
        except self.get_queryset().model.DoesNotExist:
            raise s.ValidationError(_("No record with key %r.") % data[:160]) from None


def _json_type(value) -> str:
    return {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "an object",
        type(None): "null",
    }.get(type(value), type(value).__name__)


class StrictInput(s.Serializer):
    """Refuses fields it does not know (they are usually typos)."""

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise s.ValidationError(
                {"non_field_errors": [_("Send a JSON object, not %s.") % _json_type(data)]}
            )
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise s.ValidationError({name: [_("Unknown field.")] for name in unknown})
        return super().to_internal_value(data)


def text(help_text: str, max_length: int = MAX_TEXT) -> StrictChar:
    """An optional string; free text has the limit imports have (docs/data-format.md)."""
    return StrictChar(
        required=False, allow_blank=True, default="", max_length=max_length, help_text=help_text
    )


class EmptyInput(StrictInput):
    """No fields: the action needs none."""


class ProposalCreateInput(StrictInput):
    session = ByKey(queryset=Session.objects.all(), help_text="The session's key.")
    kind = ByKey(queryset=ProposalKind.objects.select_related("body"), help_text="Kind key.")
    title_zh = text("Title in Chinese (a title in one language is needed).", 500)
    title_en = text("Title in English.", 500)
    summary_zh = text("Summary in Chinese.")
    summary_en = text("Summary in English.")
    text_zh = text("Full text in Chinese.")
    text_en = text("Full text in English.")
    original_language = StrictChoice(
        choices=Language.choices,
        required=False,
        default=None,
        help_text="zh-hans or en; left out: the body's working language.",
    )
    cosigners = s.ListField(
        child=ByKey(queryset=Member.objects.all()),
        required=False,
        default=list,
        max_length=200,
        help_text="Co-signing members' keys.",
    )
    topics = s.ListField(
        child=ByKey(queryset=Topic.objects.all()),
        required=False,
        default=list,
        max_length=50,
        help_text="Topic keys.",
    )


class ReviewInput(StrictInput):
    decision = StrictChoice(
        choices=ReviewDecision.choices,
        help_text="One of the body's outcomes (its vocabulary, GET /api/v1/bodies/): "
        + ReviewDecision.help_text(),
    )
    reason = code(
        "Why not filed (required with decision not_filed): a code of the body's reasons"
        " for not filing.",
        required=False,
    )
    note = text("The office's note.")
    merged_into = text(
        "With decision merged: the key of the proposal this one is merged into.", 120
    )


class AssignInput(StrictInput):
    agency = ByKey(queryset=Organization.objects.all(), help_text="The agency's key.")
    role = StrictChoice(
        choices=AssignmentRole.choices,
        help_text="One of the body's handling roles (its vocabulary, GET /api/v1/bodies/): "
        + AssignmentRole.help_text(),
    )
    due_on = s.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Reply due by (YYYY-MM-DD); default: the kind's deadline from today.",
    )


class ReplyInput(StrictInput):
    category = code(
        "A code of the body's reply categories (its vocabulary, GET /api/v1/bodies/;"
        " by default A, B or C); leave it out for a body without categories.",
        required=False,
    )
    text_zh = text("Reply text in Chinese.")
    text_en = text("Reply text in English.")
    published = StrictBool(required=False, default=True, help_text="Publish the reply.")


class TransferRequestInput(StrictInput):
    reason = StrictChar(help_text="Why another agency should handle it.", max_length=2000)


class FeedbackInput(StrictInput):
    rating = code(
        "Your rating of the reply: a code of the body's satisfaction scale (its vocabulary,"
        " GET /api/v1/bodies/; by default satisfied, basically_satisfied or unsatisfied)."
    )
    comment = text("A comment for those handling the reply; public only with comment_public.", 2000)
    comment_public = StrictBool(
        required=False,
        default=False,
        help_text="Publish the comment beside the rating (the rating is public either way).",
    )


class DraftEditInput(StrictInput):
    """Only the fields sent change (PATCH). The desk's draft form edits the texts;
    session, kind, co-signers and topics are fixed once drafted, there as here."""

    title_zh = StrictChar(
        required=False, allow_blank=True, max_length=500, help_text="Title in Chinese."
    )
    title_en = StrictChar(
        required=False, allow_blank=True, max_length=500, help_text="Title in English."
    )
    summary_zh = StrictChar(
        required=False, allow_blank=True, max_length=MAX_TEXT, help_text="Summary in Chinese."
    )
    summary_en = StrictChar(
        required=False, allow_blank=True, max_length=MAX_TEXT, help_text="Summary in English."
    )
    text_zh = StrictChar(
        required=False, allow_blank=True, max_length=MAX_TEXT, help_text="Full text in Chinese."
    )
    text_en = StrictChar(
        required=False, allow_blank=True, max_length=MAX_TEXT, help_text="Full text in English."
    )


class TransferInput(StrictInput):
    agency = ByKey(
        queryset=Organization.objects.filter(kind=OrganizationKind.AGENCY),
        help_text="The key of the agency that takes the assignment over.",
    )


class KeyInput(StrictInput):
    is_key = StrictBool(help_text="true: select for key supervision; false: deselect.")
    supervisor = ByKey(
        queryset=Organization.objects.filter(kind=OrganizationKind.COMMITTEE),
        required=False,
        allow_null=True,
        default=None,
        help_text="With is_key true: the supervising committee's key (an organization"
        " of kind committee).",
    )
