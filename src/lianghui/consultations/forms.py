from django import forms
from django.utils.translation import gettext_lazy as _

from .enums import Capacity, HideReason, ModerationDecision


class CommentForm(forms.Form):
    provision = forms.TypedChoiceField(
        label=_("Commenting on"), required=False, coerce=int, empty_value=None
    )
    capacity = forms.ChoiceField(
        label=_("I comment as"),
        choices=[("", _("Choose…")), *Capacity.choices],
        help_text=_("Say in which capacity you speak; it is shown with your comment."),
    )
    organization_name = forms.CharField(
        label=_("Organization (optional)"),
        required=False,
        max_length=300,
        help_text=_("The union, company, association or body you speak for, if any."),
    )
    text = forms.CharField(label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, provisions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provision"].choices = [("", _("The whole draft"))] + [
            (p.pk, " ".join(x for x in (p.number, p.heading) if x) or str(p.position))
            for p in provisions
        ]


class ModerateForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=ModerationDecision.choices)
    reason = forms.ChoiceField(
        label=_("Reason for hiding"), required=False, choices=[("", "—"), *HideReason.choices]
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class ResponseForm(forms.Form):
    summary_zh = forms.CharField(
        label=_("What we heard (Chinese)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    summary_en = forms.CharField(
        label=_("What we heard (English)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    change_provision = forms.TypedChoiceField(
        label=_("Article changed"), required=False, coerce=int, empty_value=None
    )
    change_text = forms.CharField(
        label=_("What changed"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    change_comments = forms.TypedMultipleChoiceField(
        label=_("Comments that asked for it"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, provisions=(), comments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["change_provision"].choices = [("", "—")] + [
            (p.pk, " ".join(x for x in (p.number, p.heading) if x) or str(p.position))
            for p in provisions
        ]
        self.fields["change_comments"].choices = [
            (c.pk, f"#{c.pk} {c.get_capacity_display()}: {c.text[:80]}") for c in comments
        ]
