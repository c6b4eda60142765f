"""``Idempotency-Key`` on POST: a retry with the same key by the same user gets
the first (successful) response again and creates nothing; the same key with a
different request is refused (422). Refusals (4xx) are not remembered, so a
corrected request may reuse its key. Records are kept KEEP_FOR, then pruned.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework.response import Response

from .errors import error
from .models import IdempotentRequest

HEADER = "Idempotency-Key"
MAX_KEY = 255
KEEP_FOR = dt.timedelta(days=1)
IDEMPOTENCY_PARAMETER = OpenApiParameter(
    HEADER,
    str,
    location=OpenApiParameter.HEADER,
    description="Any unique string (at most 255 characters): a retry with the same key"
    " returns the first successful response and creates nothing.",
)


def request_hash(request) -> str:
    raw = request.body or b""
    try:
        canonical = json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = raw
    digest = hashlib.sha256(f"{request.method}\n{request.path}\n".encode())
    digest.update(canonical)
    return digest.hexdigest()


def run(request, call) -> Response:
    """Run ``call`` (which returns a Response) under the request's idempotency key."""
    key = request.headers.get(HEADER)
    if key is None or not request.user.is_authenticated:
        return call()
    if not key.strip() or len(key) > MAX_KEY:
        return error(
            400,
            _("An Idempotency-Key is 1 to %d characters.") % MAX_KEY,
            "invalid",
            {HEADER: [_("1 to %d characters.") % MAX_KEY]},
        )
    digest = request_hash(request)
    since = timezone.now() - KEEP_FOR
    earlier = IdempotentRequest.objects.filter(user=request.user, key=key, created__gte=since)
    first = earlier.first()
    if first is not None:
        return _replay(first, digest)
    try:
        with transaction.atomic():
            IdempotentRequest.objects.filter(user=request.user, key=key).delete()  # expired
            response = call()
            if 200 <= response.status_code < 300:
                IdempotentRequest.objects.create(
                    user=request.user,
                    key=key,
                    request_hash=digest,
                    status=response.status_code,
                    body=json.loads(json.dumps(response.data, default=str)),
                )
    except IntegrityError:
        # The same key won a race in another request: answer as a retry would.
        first = IdempotentRequest.objects.filter(user=request.user, key=key).first()
        if first is None:
            raise
        return _replay(first, digest)
    return response


def _replay(first: IdempotentRequest, digest: str) -> Response:
    if first.request_hash != digest:
        return error(
            422,
            _("This Idempotency-Key was used for a different request; use a new key."),
            "idempotency_key_reused",
            {HEADER: [_("Already used for a different request.")]},
        )
    return Response(first.body, status=first.status, headers={"Idempotent-Replayed": "true"})


def prune() -> int:
    return IdempotentRequest.objects.filter(created__lt=timezone.now() - KEEP_FOR).delete()[0]
