from django import forms
from django.db.models import F
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lianghui.people.models import Member, Organization
from lianghui.proposals import selectors, vocabulary
from lianghui.proposals.models import Body, Proposal, ProposalKind, Session, Topic


def _chinese() -> bool:
    return (get_language() or "en").startswith("zh")


class DraftForm(forms.Form):
    session = forms.ModelChoiceField(queryset=Session.objects.none(), label=_("Session"))
    kind = forms.ModelChoiceField(queryset=ProposalKind.objects.none(), label=_("Kind"))
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=500, required=False)
    title_en = forms.CharField(label=_("Title (English)"), max_length=500, required=False)
    summary_zh = forms.CharField(
        label=_("Summary (Chinese)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    text_zh = forms.CharField(label=_("Text (Chinese)"), widget=forms.Textarea, required=False)
    text_en = forms.CharField(label=_("Text (English)"), widget=forms.Textarea, required=False)
    topics = forms.ModelMultipleChoiceField(
        queryset=Topic.objects.none(), required=False, label=_("Topics")
    )
    cosigners = forms.ModelMultipleChoiceField(
        queryset=Member.objects.none(),
        required=False,
        label=_("Co-signers"),
        help_text=_(
            "Members who sign with you; they confirm on their own desk where needed."
            " Type part of a name to find them."
        ),
        # Checkboxes, sorted by name, work with the keyboard and without script;
        # desks/picker.js adds a search box over them.
        widget=forms.CheckboxSelectMultiple(attrs={"class": "picker-choice"}),
    )

    def __init__(self, *args, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        bodies = member.memberships.values("body_id")
        self.fields["session"].queryset = Session.objects.filter(body_id__in=bodies)
        self.fields["kind"].queryset = ProposalKind.objects.filter(body_id__in=bodies)
        # The topics of the member's bodies; a topic of the other body is refused on save.
        self.fields["topics"].queryset = selectors.topics_for(Body.objects.filter(pk__in=bodies))
        by_name = ("name_zh", "name_en") if _chinese() else ("name_en", "name_zh")
        self.fields["cosigners"].queryset = (
            Member.objects.filter(memberships__body_id__in=bodies)
            .exclude(pk=member.pk)
            .distinct()
            .order_by(*by_name, "key")
        )

    def clean(self):
        data = super().clean()
        if not (data.get("title_zh") or data.get("title_en")):
            self.add_error("title_zh", _("Give a title in Chinese or English."))
        if (
            data.get("session")
            and data.get("kind")
            and (data["session"].body_id != data["kind"].body_id)
        ):
            self.add_error("kind", _("This kind belongs to another body than the session."))
        return data


class ReviewForm(forms.Form):
    """The body's outcomes and reasons for not filing (proposals.vocabulary)."""

    decision = forms.ChoiceField(label=_("Decision"))
    reason = forms.ChoiceField(required=False, label=_("Reason (if not filed)"))
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Note")
    )
    merged_into = forms.CharField(required=False, label=_("Merge into (proposal key)"))

    def __init__(self, *args, body: Body | int, **kwargs):
        super().__init__(*args, **kwargs)
        outcomes = vocabulary.choices(body, vocabulary.OUTCOME)
        self.fields["decision"].choices = outcomes
        reasons = vocabulary.choices(body, vocabulary.NOT_FILED_REASON)
        if reasons:
            self.fields["reason"].choices = [("", "—"), *reasons]
        else:
            del self.fields["reason"]
        if "merged" not in dict(outcomes):
            del self.fields["merged_into"]

    def clean(self):
        data = super().clean()
        data.setdefault("reason", "")
        data.setdefault("merged_into", None)
        return data

    def clean_merged_into(self):
        key = self.cleaned_data["merged_into"].strip()
        if not key:
            return None
        try:
            return Proposal.objects.select_related("session").get(key=key)
        except Proposal.DoesNotExist:
            raise forms.ValidationError(_("No proposal has this key.")) from None


class BodyAgencies:
    """A form whose agency fields offer the agencies of one body (None: every body's,
    for the administrator's bulk actions across bodies; the services still refuse an
    agency of another body than the proposal's)."""

    agency_fields: tuple[str, ...] = ("agency",)

    def scope_agencies(self, body) -> None:
        for name in self.agency_fields:
            self.fields[name].queryset = selectors.agencies_for(body)


class AssignForm(BodyAgencies, forms.Form):
    agency = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("Agency"))
    role = forms.ChoiceField(label=_("Role"))
    due_on = forms.DateField(
        required=False,
        label=_("Due on"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, body, rule: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.scope_agencies(body)
        self.fields["role"].choices = vocabulary.choices(body, vocabulary.HANDLING_ROLE)
        # The rule of the proposal's kind, so the office knows what an empty date means.
        self.fields["due_on"].help_text = (
            _("Empty: the rule for this kind of proposal (%(rule)s).") % {"rule": rule}
            if rule
            else _("Empty: the rule for this kind of proposal.")
        )


class BulkForm(BodyAgencies, forms.Form):
    proposals = forms.ModelMultipleChoiceField(
        queryset=Proposal.objects.none(), label=_("Proposals")
    )
    action = forms.ChoiceField(choices=[("file", _("File")), ("assign", _("Assign"))])
    agency = forms.ModelChoiceField(
        queryset=Organization.objects.none(), required=False, label=_("Agency")
    )

    def __init__(self, *args, queryset, body, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope_agencies(body)
        self.fields["proposals"].queryset = queryset
        self.fields["proposals"].to_field_name = "key"

    def clean(self):
        data = super().clean()
        if data.get("action") == "assign" and not data.get("agency"):
            self.add_error("agency", _("Choose the agency to assign them to."))
        return data


class TransferApproveForm(BodyAgencies, forms.Form):
    """The office's "choose another unit": the agencies of the proposal's body."""

    agency_fields = ("to_agency",)
    to_agency = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("Transfer to"))

    def __init__(self, *args, body, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope_agencies(body)


class ReplyForm(forms.Form):
    """A body without reply categories gets no category field."""

    category = forms.ChoiceField(label=_("Category"), widget=forms.RadioSelect)
    text_zh = forms.CharField(widget=forms.Textarea, required=False, label=_("Reply (Chinese)"))
    text_en = forms.CharField(widget=forms.Textarea, required=False, label=_("Reply (English)"))
    published = forms.BooleanField(required=False, initial=True, label=_("Publish the reply"))

    def __init__(self, *args, body: Body | int, **kwargs):
        super().__init__(*args, **kwargs)
        categories = vocabulary.terms(body, vocabulary.REPLY_CATEGORY)
        if categories:
            self.fields["category"].choices = [(t.code, t.label) for t in categories]
            explained = [f"{t.label}: {t.description}" for t in categories if t.description]
            self.fields["category"].help_text = " ".join(explained)
        else:
            del self.fields["category"]

    def clean(self):
        data = super().clean()
        data.setdefault("category", "")
        if not (data.get("text_zh") or data.get("text_en")):
            self.add_error("text_zh", _("Write the reply in Chinese or English."))
        return data


class ReplyDraftForm(ReplyForm):
    """The reply form, nothing required: a draft may be half written."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False

    def clean(self):
        self.cleaned_data.setdefault("category", "")
        return self.cleaned_data


class TransferRequestForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label=_("Why another agency should handle it")
    )


class FeedbackForm(forms.Form):
    """Only for a body with a satisfaction scale (the desk offers none otherwise)."""

    rating = forms.ChoiceField(label=_("Your rating"), widget=forms.RadioSelect)
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Comment")
    )
    comment_public = forms.BooleanField(
        required=False,
        initial=False,
        label=_("Publish my comment"),
        help_text=_(
            "Your rating is public. Your comment is read by the agency and the office;"
            " tick this to show it to everyone beside the reply."
        ),
    )

    def __init__(self, *args, body: Body | int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].choices = vocabulary.choices(body, vocabulary.SATISFACTION)


PROPOSAL_SORTS = {
    # A proposal not yet submitted has no date: it sorts with the newest.
    "newest": (
        _("Newest submitted first"),
        (F("submitted_on").desc(nulls_first=True), "-created_at", "key"),
    ),
    "oldest": (
        _("Oldest submitted first"),
        (F("submitted_on").asc(nulls_last=True), "created_at", "key"),
    ),
    "title": (_("Title"), ("title_zh", "title_en", "key")),
}
ASSIGNMENT_SORTS = {
    "due": (_("Due soonest first"), ("due_on", "proposal__key")),
    "newest": (_("Newest assigned first"), ("-assigned_on", "proposal__key")),
    "title": (_("Title"), ("proposal__title_zh", "proposal__title_en", "proposal__key")),
}


class QueueFilterForm(forms.Form):
    """Search, filter and sort a desk's queue (a GET form; every field optional)."""

    q = forms.CharField(
        required=False,
        max_length=200,
        label=_("Search"),
        help_text=_("Words of the title, the proposal's number or key, or a proposer's name."),
    )
    session = forms.ModelChoiceField(
        queryset=Session.objects.none(),
        required=False,
        label=_("Session"),
        empty_label=_("All sessions"),
        to_field_name="key",
    )
    kind = forms.ModelChoiceField(
        queryset=ProposalKind.objects.none(),
        required=False,
        label=_("Kind"),
        empty_label=_("All kinds"),
        to_field_name="key",
    )
    sort = forms.ChoiceField(required=False, label=_("Order"))

    def __init__(self, *args, sorts: dict, body=None, **kwargs):
        super().__init__(*args, **kwargs)
        sessions = Session.objects.select_related("body").order_by("-year", "body__key")
        kinds = ProposalKind.objects.select_related("body").order_by("body__key", "key")
        if body is not None:
            sessions, kinds = sessions.filter(body=body), kinds.filter(body=body)
        self.fields["session"].queryset = sessions
        self.fields["kind"].queryset = kinds
        self.fields["sort"].choices = [(k, label) for k, (label, _order) in sorts.items()]
        self.sorts = sorts

    def apply(self, queryset, *, prefix: str = ""):
        """The queue narrowed and ordered as asked; bad values are ignored."""
        from django.db.models import Q

        from lianghui.proposals.models import Signer

        data = self.cleaned_data if self.is_valid() else {}
        q = (data.get("q") or "").strip()
        if q:
            signed = Signer.objects.filter(
                Q(member__name_zh__icontains=q)
                | Q(member__name_en__icontains=q)
                | Q(group__name_zh__icontains=q)
                | Q(group__name_en__icontains=q)
            ).values("proposal_id")
            queryset = queryset.filter(
                Q(**{f"{prefix}title_zh__icontains": q})
                | Q(**{f"{prefix}title_en__icontains": q})
                | Q(**{f"{prefix}key__icontains": q})
                | Q(**{f"{prefix}number": q})
                | Q(**{f"{prefix}pk__in": signed})
            )
        if data.get("session"):
            queryset = queryset.filter(**{f"{prefix}session": data["session"]})
        if data.get("kind"):
            queryset = queryset.filter(**{f"{prefix}kind": data["kind"]})
        sort = data.get("sort") or next(iter(self.sorts))
        return queryset.order_by(*self.sorts[sort][1])

    @property
    def active(self) -> bool:
        return self.is_valid() and any(self.cleaned_data.get(f) for f in ("q", "session", "kind"))
