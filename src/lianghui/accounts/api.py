"""The caller's own data through the API, under /api/v1/me/: read and correct the
profile, download the archive, give or withdraw consent to each kind of email,
delete the account. The same services as the My data pages."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from lianghui.api.write.inputs import StrictBool, StrictChar, StrictChoice, StrictInput
from lianghui.core.roles import Role, role_of

from . import consent, mydata
from .enums import ConsentHow, MailKind


class MailPreferenceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MailKind.choices, help_text=MailKind.help_text())
    consent = serializers.BooleanField(help_text="Whether the caller agreed to this kind.")
    given_at = serializers.DateTimeField(
        allow_null=True, help_text="When the consent in force was given."
    )
    how = serializers.ChoiceField(
        choices=ConsentHow.choices, allow_null=True, help_text=ConsentHow.help_text()
    )
    mandatory = serializers.BooleanField(help_text="Required by the caller's role.")


class MeSerializer(serializers.Serializer):
    username = serializers.CharField(read_only=True)
    role = serializers.CharField(read_only=True, help_text=Role.help_text())
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    email = serializers.CharField()
    mail = MailPreferenceSerializer(many=True, read_only=True)
    retention = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="What deleting the account erases and what stays.",
    )


# Inputs: strict types and unknown fields refused, as everywhere in the API.
class MeInput(StrictInput):
    first_name = StrictChar(max_length=150, allow_blank=True, required=False)
    last_name = StrictChar(max_length=150, allow_blank=True, required=False)
    email = StrictChar(
        max_length=254, allow_blank=True, required=False, help_text="Empty for none."
    )


class MailInput(StrictInput):
    kind = StrictChoice(choices=MailKind.choices, help_text=MailKind.help_text())
    consent = StrictBool(help_text="true to agree, false to withdraw.")


class EraseInput(StrictInput):
    password = StrictChar(help_text="The account's password, to confirm.")


def _me(user) -> dict:
    return {
        "username": user.get_username(),
        "role": role_of(user),
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "mail": [
            {
                "kind": p.kind,
                "consent": p.given is not None,
                "given_at": p.given.granted_at if p.given else None,
                "how": p.given.how if p.given else None,
                "mandatory": p.mandatory,
            }
            for p in consent.preferences(user=user)
        ],
        "retention": [str(line) for line in mydata.retention(user)],
    }


def _check(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="My data: profile and mail consents",
        responses={200: MeSerializer},
        tags=["me"],
    )
    def get(self, request):
        return Response(_me(request.user))

    @extend_schema(
        summary="Correct my profile",
        description="Only the fields sent change: first_name, last_name, email.",
        request=MeInput,
        responses={200: MeSerializer},
        tags=["me"],
    )
    def patch(self, request):
        data = _check(MeInput, request.data)
        user = request.user
        values = {f: data.get(f, getattr(user, f)) for f in mydata.EDITABLE}
        mydata.profile_update(user=user, **values)
        return Response(_me(user))


class ArchiveView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Download everything held about me",
        description="A ZIP: data.json with every table, and one CSV per table.",
        responses={(200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY)},
        tags=["me"],
    )
    def get(self, request):
        name = f"lianghui-{request.user.get_username()}-{timezone.localdate():%Y%m%d}.zip"
        response = HttpResponse(mydata.archive(request.user), content_type="application/zip")
        response["Content-Disposition"] = content_disposition_header(True, name)
        response["Cache-Control"] = "private, no-store"
        return response


class MailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Give or withdraw consent to a kind of email",
        description="A mandatory kind (staff reminders for agency officers) cannot be"
        " withdrawn (400). Digests withdrawn stop at once; digests agreed to come weekly"
        " unless a frequency was chosen on the following page.",
        request=MailInput,
        responses={200: MeSerializer},
        tags=["me"],
    )
    def post(self, request):
        from lianghui.following.services import digest_consent

        data = _check(MailInput, request.data)
        user, kind = request.user, data["kind"]
        if not consent.applies(user, kind):
            raise exceptions.ValidationError({"kind": [_("This kind of email is not for you.")]})
        if kind == MailKind.DIGESTS:
            # Digests also have a frequency: the following app keeps both together.
            digest_consent(user=user, consent_given=data["consent"], how=ConsentHow.API)
        elif data["consent"]:
            consent.consent_grant(user=user, kind=kind, how=ConsentHow.API)
        else:
            consent.consent_withdraw(user=user, kind=kind, how=ConsentHow.API)
        return Response(_me(user))


class EraseView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Delete my account",
        description="Erases the account under the retention rule that GET /me/ states;"
        " the password confirms it. The last administrator cannot leave (409).",
        request=EraseInput,
        responses={204: OpenApiResponse(description="The account is deleted.")},
        tags=["me"],
    )
    def post(self, request):
        data = _check(EraseInput, request.data)
        user = get_user_model().objects.get(pk=request.user.pk)
        if not user.check_password(data["password"]):
            raise exceptions.ValidationError({"password": [_("This is not your password.")]})
        mydata.erase(user=user)
        return Response(status=204)
