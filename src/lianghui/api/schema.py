"""OpenAPI document details: the error responses every operation can give,
added once here rather than on each view; the documentation pages, served under
the site's Content-Security-Policy."""

from __future__ import annotations

import re

from django.conf import settings
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

ERROR = {
    "type": "object",
    "required": ["detail", "code"],
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, for a person."},
        "code": {"type": "string", "description": "What went wrong, for a program."},
        "errors": {
            "type": "object",
            "description": "By field (or query parameter): the reasons.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
}
READ_ERRORS = {
    "400": "Bad query parameter (named in `errors`).",
    "401": "A token was sent but is unknown or revoked.",
    "404": "No such record, or not visible to the caller.",
    "429": "Too many requests; see the Retry-After header.",
}
WRITE_ERRORS = READ_ERRORS | {
    "400": "Bad input: malformed JSON, an unknown field, a wrong type (named in `errors`).",
    "401": "No valid token (or session) was sent.",
    "403": "The caller's role may not do this to this record, or the token is read-only"
    " (code token_read_only).",
    "409": "The record's state refuses this step (code illegal_transition or conflict).",
    "415": "Send application/json.",
    "422": "The Idempotency-Key was already used for a different request.",
}


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    ref = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            errors = READ_ERRORS if method in {"get", "head"} else WRITE_ERRORS
            if method == "get" and path.endswith("/inbox/"):
                errors = errors | {"401": WRITE_ERRORS["401"], "403": WRITE_ERRORS["403"]}
            for code, description in errors.items():
                responses.setdefault(
                    code,
                    {"description": description, "content": {"application/json": {"schema": ref}}},
                )
            if method == "get":
                responses.setdefault("304", {"description": "Not modified (If-None-Match)."})
    return result


class SwaggerView(SpectacularSwaggerView):
    """/api/v1/docs/: Swagger UI whose inline style and script carry the CSP nonce."""

    template_name = "api/docs_swagger.html"


class RedocView(SpectacularRedocView):
    """/api/v1/redoc/: Redoc, given the CSP nonce for the styles it inserts."""

    template_name = "api/docs_redoc.html"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        # Redoc's search index runs in a worker it makes from a blob of its own
        # bundle; the site's policy allows that on this page only.
        response._csp_config = settings.SECURE_CSP | {"worker-src": ["'self'", "blob:"]}
        return response


class SchemaView(SpectacularAPIView):
    """The OpenAPI document; ``?version=`` only names the file, so it cannot put a
    line break or quote into the Content-Disposition header (a 500 otherwise)."""

    def _get_filename(self, request, version):
        return re.sub(r'[\x00-\x1f\x7f"\\]', "", super()._get_filename(request, version))
