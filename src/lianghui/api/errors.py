"""One error format for every refusal:

    {"detail": "...", "code": "...", "errors": {"field": ["reason", ...]}}

Services raise Django's ValidationError: by field -> 400; without a field (the
record's state refuses the step) -> 409; TransitionError (an illegal status
change) -> 409 with code "illegal_transition". PermissionDenied -> 403, a
missing record -> 404, a concurrent write that lost -> 409. Errors Django answers
before or after a view (a malformed request, a failure) use the same format under
/api/ (``server_error`` and the other handlers, set in the root URLconf).
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, OperationalError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from lianghui.proposals.workflow import TransitionError


def _flatten(detail) -> dict[str, list[str]]:
    """DRF's nested error detail -> {"field" or "field.sub": [messages]}."""
    out: dict[str, list[str]] = {}

    def walk(value, path: str):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, f"{path}.{k}" if path else str(k))
        elif isinstance(value, list):
            if all(not isinstance(v, dict | list) for v in value):
                out.setdefault(path or "non_field_errors", []).extend(str(v) for v in value)
            else:
                for n, v in enumerate(value):
                    walk(v, f"{path}[{n}]")
        else:
            out.setdefault(path or "non_field_errors", []).append(str(value))

    walk(detail, "")
    return out


def error(status_code: int, detail: str, code: str, errors: dict | None = None) -> Response:
    body = {"detail": detail, "code": code}
    if errors:
        body["errors"] = errors
    return Response(body, status=status_code)


def handler(exc, context):
    if isinstance(exc, TransitionError):
        return error(status.HTTP_409_CONFLICT, " ".join(exc.messages), "illegal_transition")
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            errors = {f: [str(m) for m in msgs] for f, msgs in exc.message_dict.items()}
            first = next(iter(errors.items()))
            return error(
                status.HTTP_400_BAD_REQUEST, f"{first[0]}: {first[1][0]}", "invalid", errors
            )
        return error(status.HTTP_409_CONFLICT, " ".join(exc.messages), "conflict")
    if isinstance(exc, ObjectDoesNotExist | Http404):
        return error(status.HTTP_404_NOT_FOUND, _("No such record."), "not_found")
    if isinstance(exc, PermissionDenied):
        return error(status.HTTP_403_FORBIDDEN, str(exc) or _("Not allowed."), "permission_denied")
    lost_race = isinstance(exc, OperationalError) and "lock" in str(exc).lower()
    if isinstance(exc, IntegrityError) or lost_race:
        return error(
            status.HTTP_409_CONFLICT,
            _("The record changed while this request ran; read it again and retry."),
            "concurrent_change",
        )
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        first = next(iter(errors.items()), ("request", [_("Invalid input.")]))
        response = error(
            status.HTTP_400_BAD_REQUEST, f"{first[0]}: {first[1][0]}", "invalid", errors
        )
        return response
    response = drf_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.APIException):
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        codes = exc.get_codes()
        response.data = {"detail": detail, "code": codes if isinstance(codes, str) else "error"}
    return response


# --- errors Django answers itself (no view ran, or a view failed) --------------------------
# Under /api/ they are JSON in the format above, DEBUG or not; elsewhere Django's pages.


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def _json(status_code: int, detail: str, code: str) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code}, status=status_code)


def bad_request(request, exception, **kwargs):
    if _is_api(request):
        return _json(400, _("Malformed request."), "bad_request")
    return defaults.bad_request(request, exception, **kwargs)


def permission_denied(request, exception, **kwargs):
    if _is_api(request):
        return _json(403, str(exception) or _("Not allowed."), "permission_denied")
    return defaults.permission_denied(request, exception, **kwargs)


def page_not_found(request, exception, **kwargs):
    if _is_api(request):
        return _json(404, _("No such record."), "not_found")
    return defaults.page_not_found(request, exception, **kwargs)


def server_error(request, **kwargs):
    if _is_api(request):
        return _json(500, _("Something went wrong on our side."), "server_error")
    return defaults.server_error(request, **kwargs)
