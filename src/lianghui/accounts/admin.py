from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import consent, services
from .forms import InviteForm
from .models import MailConsent, Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "body", "member", "agency"]
    list_filter = ["role", "body"]
    raw_id_fields = ["member", "agency"]
    change_list_template = "admin/accounts/profile/change_list.html"
    actions = ["resend_invitation"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A role that requires some mail records that consent with the role.
        consent.consent_for_role(user=obj.user)

    def get_urls(self):
        invite = self.admin_site.admin_view(self.invite_view)
        return [path("invite/", invite, name="accounts_profile_invite"), *super().get_urls()]

    def invite_view(self, request):
        """Create an account with a role and email its user a set-password link."""
        if not self.has_add_permission(request):
            return redirect("admin:index")
        form = InviteForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                user = services.account_invite(
                    username=data["username"],
                    email=data["email"],
                    role=data["role"],
                    body=data["body"],
                    member=data["member"],
                    agency=data["agency"],
                    base_url=request.build_absolute_uri("/"),
                    language=data["language"],
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                self.message_user(
                    request,
                    _("%(user)s is invited: a set-password link went to %(email)s.")
                    % {"user": user.username, "email": user.email},
                    messages.SUCCESS,
                )
                return redirect("admin:accounts_profile_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Invite a user"),
            "form": form,
        }
        return TemplateResponse(request, "admin/accounts/profile/invite.html", context)

    @admin.action(description=_("Email a new set-password link"))
    def resend_invitation(self, request, queryset):
        sent, refused = 0, []
        for profile in queryset.select_related("user"):
            try:
                services.account_resend_invitation(
                    user=profile.user, base_url=request.build_absolute_uri("/")
                )
                sent += 1
            except ValidationError as exc:
                refused.append(f"{profile.user.username}: {' '.join(exc.messages)}")
        if sent:
            self.message_user(
                request,
                ngettext("%(n)d link sent.", "%(n)d links sent.", sent) % {"n": sent},
                messages.SUCCESS,
            )
        for line in refused:
            self.message_user(request, line, messages.ERROR)


@admin.register(MailConsent)
class MailConsentAdmin(admin.ModelAdmin):
    """Read only: consents are given and withdrawn by the person, never for them."""

    list_display = ["user", "kind", "granted_at", "how", "withdrawn_at", "withdrawn_how"]
    list_filter = ["kind", "how"]
    search_fields = ["user__username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
