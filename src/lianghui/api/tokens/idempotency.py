"""``Idempotency-Key`` on POST: a retry with the same key by the same user gets
the first (successful) response again and creates nothing; while the first is
still running, a retry is answered 409 (retry shortly); the same key with a
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

from lianghui.api.errors import error
from lianghui.api.models import IdempotentRequest

HEADER = "Idempotency-Key"
MAX_KEY = 255
KEEP_FOR = dt.timedelta(days=1)
# A claim still without a response after this long belongs to a request that died
# before committing (its effect was rolled back with it): the key may be used again.
ABANDONED_AFTER = dt.timedelta(minutes=10)
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
    """Run ``call`` (which returns a Response) under the request's idempotency key.

    The key is claimed first, in a transaction of its own that commits at once, so
    the unique constraint on (user, key) decides which of several simultaneous
    requests runs: the others find the claim and answer 409 while it is in flight,
    or replay its response once it is done. The response is stored in the same
    transaction as the request's effect, so an effect without its record (or a
    record without its effect) is never committed. A refusal (4xx) or an error
    releases the claim, so a corrected request may reuse the key.
    """
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
    claim = None
    for _attempt in range(3):
        claim, earlier = _claim(request.user, key, digest)
        if claim is not None:
            break
        if earlier is not None:
            return _answer(earlier, digest)
    if claim is None:  # released and taken again under our feet, twice: let the client retry
        return _in_flight()
    try:
        with transaction.atomic():
            response = call()
            if 200 <= response.status_code < 300:
                claim.status = response.status_code
                claim.body = json.loads(json.dumps(response.data, default=str))
                claim.save(update_fields=["status", "body"])
    except BaseException:
        _release(claim)
        raise
    if claim.status is None:
        _release(claim)
    return response


def _claim(user, key: str, digest: str):
    """(the new claim, None), or (None, the live record holding the key), or
    (None, None) when the holder went away meanwhile (try again)."""
    now = timezone.now()
    # Only a record past its time is cleared: a live one (done or in flight) stays.
    IdempotentRequest.objects.filter(user=user, key=key, created__lt=now - KEEP_FOR).delete()
    IdempotentRequest.objects.filter(
        user=user, key=key, status__isnull=True, created__lt=now - ABANDONED_AFTER
    ).delete()
    try:
        with transaction.atomic():
            return IdempotentRequest.objects.create(
                user=user, key=key, request_hash=digest, status=None
            ), None
    except IntegrityError:
        return None, IdempotentRequest.objects.filter(user=user, key=key).first()


def _release(claim: IdempotentRequest) -> None:
    IdempotentRequest.objects.filter(pk=claim.pk, status__isnull=True).delete()


def _answer(earlier: IdempotentRequest, digest: str) -> Response:
    if earlier.request_hash == digest and earlier.status is None:
        return _in_flight()
    return _replay(earlier, digest)


def _in_flight() -> Response:
    response = error(
        409,
        _("A request with this Idempotency-Key is still running; retry in a moment."),
        "idempotency_key_in_flight",
        {HEADER: [_("Still running.")]},
    )
    response["Retry-After"] = "1"
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
    """Forget records past KEEP_FOR (longer than any request runs, so never a live one)."""
    return IdempotentRequest.objects.filter(created__lt=timezone.now() - KEEP_FOR).delete()[0]
