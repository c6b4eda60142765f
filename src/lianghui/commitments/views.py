"""Commitments' pages: the public list and its feed of lapsed ones, and the
office's review queue. Thin: read, check the role, call services or selectors."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.syndication.views import Feed
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from lianghui.accounts import permissions as perms
from lianghui.accounts.enums import Role
from lianghui.people.models import Organization
from lianghui.portal.caching import public_page
from lianghui.portal.filters import Filter, key_filter, options, read

from . import selectors, services
from .enums import Outcome, Review
from .models import Commitment

PAGE = 50


def _agency_lookup(key: str):
    return Organization.objects.filter(key=key).first()


@require_safe
@public_page
def commitment_list(request: HttpRequest) -> HttpResponse:
    fs = read(
        request.GET,
        [
            Filter("outcome", _("Outcome"), options(Outcome.choices)),
            Filter(
                "review",
                _("Checked"),
                options((k, v) for k, v in Review.choices if k != Review.REJECTED),
            ),
            key_filter(request.GET, "agency", _("Agency"), _agency_lookup),
        ],
        with_query=False,
    )
    agency = _agency_lookup(fs.get("agency")) if fs.get("agency") else None
    rows = selectors.commitment_list(
        agency=agency, outcome=fs.get("outcome"), review=fs.get("review")
    )
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "commitments/list.html",
        {
            "section": "commitments",
            "filters": fs,
            "page_obj": page,
            "agency": agency,
            "counts": selectors.counts(selectors.commitment_list(agency=agency)),
            "outcome_help": [(label, Outcome.explain(value)) for value, label in Outcome.choices],
        },
    )


class LapsedFeed(Feed):
    """Commitments whose date passed with nothing on the record to show them kept."""

    def get_object(self, request):
        key = request.GET.get("agency", "")
        if not key:
            return None
        agency = _agency_lookup(key)
        if agency is None:
            raise Http404(_("No such record."))
        return agency

    def title(self, obj):
        if obj is None:
            return _("Lapsed commitments — Lianghui")
        return _("Lapsed commitments of %(name)s — Lianghui") % {"name": obj.name}

    def link(self, obj):
        url = reverse("commitments:list") + "?outcome=lapsed"
        return url + (f"&agency={obj.key}" if obj else "")

    def description(self, obj):
        return _(
            "Commitments made in replies whose date has passed with nothing on the "
            "record showing them kept."
        )

    def items(self, obj):
        return selectors.lapsed(agency=obj)

    def item_title(self, item: Commitment):
        return _("%(agency)s: a commitment lapsed on %(date)s") % {
            "agency": item.reply.assignment.agency.name,
            "date": item.due_on,
        }

    def item_description(self, item: Commitment):
        return item.sentence

    def item_link(self, item: Commitment):
        return f"{item.reply.assignment.proposal.get_absolute_url()}#reply-{item.reply_id}"

    def item_guid(self, item: Commitment):
        return f"commitment:{item.pk}:lapsed:{item.outcome_on}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Commitment):
        day = item.outcome_on or timezone.localdate()
        return timezone.make_aware(dt.datetime.combine(day, dt.time()))


@perms.role_required(Role.OFFICE)
def review_queue(request: HttpRequest) -> HttpResponse:
    body = perms.body_scope(request.user)
    page = Paginator(selectors.office_review_queue(body=body), PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "commitments/review.html",
        {"section": "desk", "page_obj": page, "role": perms.role_of(request.user)},
    )


@require_POST
@perms.role_required(Role.OFFICE)
def review(request: HttpRequest, pk: int) -> HttpResponse:
    rows = selectors.office_commitments(body=perms.body_scope(request.user))
    commitment = get_object_or_404(rows, pk=pk)
    decision = request.POST.get("decision", "")
    try:
        services.commitment_review(commitment=commitment, decision=decision, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Confirmed: the commitment is shown as checked.")
            if decision == Review.CONFIRMED
            else _("Rejected: the commitment is no longer shown in public.")
            if decision == Review.REJECTED
            else _("The decision was withdrawn."),
        )
    return redirect(request.POST.get("next") or reverse("commitments:review-queue"))
