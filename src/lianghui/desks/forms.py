from django import forms
from django.utils.translation import gettext_lazy as _

from lianghui.people.models import Member, Organization
from lianghui.proposals.enums import (
    AssignmentRole,
    NotFiledReason,
    Rating,
    ReplyCategory,
    ReviewDecision,
)
from lianghui.proposals.models import Proposal, ProposalKind, Session, Topic


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
        queryset=Topic.objects.all(), required=False, label=_("Topics")
    )
    cosigners = forms.ModelMultipleChoiceField(
        queryset=Member.objects.none(),
        required=False,
        label=_("Co-signers"),
        help_text=_("Members who sign with you; they confirm on their own desk where needed."),
    )

    def __init__(self, *args, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        bodies = member.memberships.values("body_id")
        self.fields["session"].queryset = Session.objects.filter(body_id__in=bodies)
        self.fields["kind"].queryset = ProposalKind.objects.filter(body_id__in=bodies)
        self.fields["cosigners"].queryset = (
            Member.objects.filter(memberships__body_id__in=bodies).exclude(pk=member.pk).distinct()
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
    decision = forms.ChoiceField(choices=ReviewDecision.choices, label=_("Decision"))
    reason = forms.ChoiceField(
        choices=[("", "—"), *NotFiledReason.choices],
        required=False,
        label=_("Reason (if not filed)"),
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Note")
    )
    merged_into = forms.CharField(required=False, label=_("Merge into (proposal key)"))

    def clean_merged_into(self):
        key = self.cleaned_data["merged_into"].strip()
        if not key:
            return None
        try:
            return Proposal.objects.select_related("session").get(key=key)
        except Proposal.DoesNotExist:
            raise forms.ValidationError(_("No proposal has this key.")) from None


class AssignForm(forms.Form):
    agency = forms.ModelChoiceField(
        queryset=Organization.objects.filter(kind="agency"), label=_("Agency")
    )
    role = forms.ChoiceField(choices=AssignmentRole.choices, label=_("Role"))
    due_on = forms.DateField(
        required=False,
        label=_("Due on"),
        help_text=_("Empty: the body's rule (three months)."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class BulkForm(forms.Form):
    proposals = forms.ModelMultipleChoiceField(
        queryset=Proposal.objects.none(), label=_("Proposals")
    )
    action = forms.ChoiceField(choices=[("file", _("File")), ("assign", _("Assign"))])
    agency = forms.ModelChoiceField(
        queryset=Organization.objects.filter(kind="agency"), required=False, label=_("Agency")
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposals"].queryset = queryset
        self.fields["proposals"].to_field_name = "key"

    def clean(self):
        data = super().clean()
        if data.get("action") == "assign" and not data.get("agency"):
            self.add_error("agency", _("Choose the agency to assign them to."))
        return data


class TransferApproveForm(forms.Form):
    to_agency = forms.ModelChoiceField(
        queryset=Organization.objects.filter(kind="agency"), label=_("Transfer to")
    )


class ReplyForm(forms.Form):
    category = forms.ChoiceField(
        choices=ReplyCategory.choices, label=_("Category"), widget=forms.RadioSelect
    )
    text_zh = forms.CharField(widget=forms.Textarea, required=False, label=_("Reply (Chinese)"))
    text_en = forms.CharField(widget=forms.Textarea, required=False, label=_("Reply (English)"))
    published = forms.BooleanField(required=False, initial=True, label=_("Publish the reply"))

    def clean(self):
        data = super().clean()
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
        return self.cleaned_data


class TransferRequestForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label=_("Why another agency should handle it")
    )


class FeedbackForm(forms.Form):
    rating = forms.ChoiceField(
        choices=Rating.choices, label=_("Your rating"), widget=forms.RadioSelect
    )
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
