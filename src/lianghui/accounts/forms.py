"""The administrator's invitation form (the admin's "Invite a user" page)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from lianghui.people.enums import OrganizationKind
from lianghui.people.models import Member, Organization
from lianghui.proposals.models import Body

from .enums import Role


class InviteForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    email = forms.EmailField(label=_("Email"), help_text=_("The set-password link goes here."))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, help_text=Role.help_text())
    body = forms.ModelChoiceField(
        label=_("Body"),
        queryset=Body.objects.order_by("key"),
        required=False,
        help_text=_("For office staff and supervisors."),
    )
    member = forms.ModelChoiceField(
        label=_("Member"),
        queryset=Member.objects.filter(account__isnull=True).order_by("key"),
        required=False,
        to_field_name="key",
        widget=forms.TextInput,
        help_text=_("For a member: the member's key."),
    )
    agency = forms.ModelChoiceField(
        label=_("Agency"),
        queryset=Organization.objects.filter(kind=OrganizationKind.AGENCY).order_by("key"),
        required=False,
        to_field_name="key",
        help_text=_("For an agency officer."),
    )
    language = forms.ChoiceField(
        label=_("Language of the email"), choices=settings.LANGUAGES, initial=settings.LANGUAGE_CODE
    )


class ProfileForm(forms.Form):
    """The person's own name and email (accounts.mydata.profile_update)."""

    first_name = forms.CharField(label=_("Given name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Family name"), max_length=150, required=False)
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        help_text=_("Where emails you agreed to, and password resets, go."),
    )


class EraseForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To confirm that it is you who deletes the account."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account is deleted for good."), required=True
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your password."))
        return password
