"""Desks: thin views that check permissions, call services, and re-show forms
with what the user typed when a service refuses. What a desk lists is read
through `selectors` (each desk's work scope within what the visibility policy,
proposals/visibility.py, lets the user see)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from lianghui.accounts import permissions as perms
from lianghui.accounts.enums import Role
from lianghui.core import audit
from lianghui.insights.selectors import office_insights
from lianghui.laws import selectors as law_selectors
from lianghui.proposals import deadlines, services, vocabulary
from lianghui.proposals import selectors as proposal_selectors
from lianghui.proposals.selectors import cited
from lianghui.proposals.timeline import proposal_timeline

from . import selectors, waiting
from .forms import (
    ASSIGNMENT_SORTS,
    PROPOSAL_SORTS,
    AssignForm,
    BulkForm,
    DraftForm,
    FeedbackForm,
    QueueFilterForm,
    ReplyDraftForm,
    ReplyForm,
    ReviewForm,
    TransferApproveForm,
    TransferRequestForm,
)

PAGE = 50


def _attempt(form, call: Callable[[], object]) -> bool:
    """Run a service; put its refusal on the form (by field where it names one).
    One transaction: a refusal leaves nothing of the request behind."""
    try:
        with transaction.atomic():
            call()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
        return False
    return True


def _page(request: HttpRequest, queryset, prefix: str = "page"):
    return Paginator(queryset, PAGE).get_page(request.GET.get(prefix))


def _queue(request: HttpRequest, *, assignments: bool = False, body=None) -> QueueFilterForm:
    """The search, filter and sort form of a desk's queue, read from the query string."""
    return QueueFilterForm(
        request.GET or None,
        sorts=ASSIGNMENT_SORTS if assignments else PROPOSAL_SORTS,
        body=body,
    )


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    target = {
        Role.MEMBER: "desks:member",
        Role.OFFICE: "desks:office",
        Role.AGENCY: "desks:agency",
        Role.SUPERVISOR: "desks:supervisor",
        Role.ADMIN: "desks:office",
    }.get(perms.role_of(request.user))
    if target is None:
        from lianghui.following.selectors import follows_of

        return render(
            request,
            "desks/watcher.html",
            {"section": "desk", "follow_count": follows_of(user=request.user).count()},
        )
    return redirect(target)


# --- member -----------------------------------------------------------------------------


@perms.role_required(Role.MEMBER, admin=False)
def member_desk(request: HttpRequest) -> HttpResponse:
    mine = selectors.member_led(user=request.user)
    to_rate = selectors.member_replies_to_rate(user=request.user)
    to_confirm = selectors.member_signatures_to_confirm(user=request.user)
    queue = _queue(request)
    submitted = _page(request, queue.apply(selectors.submitted(proposals=mine)))
    notes = waiting.explain(submitted)
    for p in submitted:
        p.waiting = notes.get(p.pk, "")
    return render(
        request,
        "desks/member.html",
        {
            "section": "desk",
            "drafts": selectors.drafts(proposals=mine),
            "queue": queue,
            "submitted": submitted,
            "to_rate": _rating_forms(to_rate),
            "to_confirm": to_confirm,
        },
    )


def _rating_forms(replies) -> list:
    """(reply, form) for each reply to rate; a body without a satisfaction scale
    asks for no rating."""
    out = []
    for reply in replies:
        body = vocabulary.body_of_kind(reply.assignment.proposal.kind_id)
        if vocabulary.has(body, vocabulary.SATISFACTION):
            out.append((reply, FeedbackForm(prefix=f"r{reply.pk}", body=body)))
    return out


@perms.role_required(Role.MEMBER, admin=False)
def draft_edit(request: HttpRequest, key: str | None = None) -> HttpResponse:
    member = request.user.profile.member
    proposal = None
    if key:
        proposal = get_object_or_404(selectors.desk_proposals(user=request.user), key=key)
        perms.require_draft_author(request.user, proposal)
    initial = {}
    if proposal:
        initial = {f: getattr(proposal, f) for f in services.EDITABLE}
        initial |= {
            "session": proposal.session,
            "kind": proposal.kind,
            "topics": proposal.topics.all(),
            "cosigners": [s.member for s in proposal.signers.filter(role="cosigner")],
        }
    form = DraftForm(request.POST or None, member=member, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        texts = {f: data.get(f, "") for f in services.EDITABLE if f in data}
        if proposal is None:
            ok = _attempt(
                form,
                lambda: services.proposal_create(
                    session=data["session"],
                    kind=data["kind"],
                    lead_member=member,
                    cosigners=data["cosigners"],
                    topics=data["topics"],
                    actor=request.user,
                    **texts,
                ),
            )
        else:
            ok = _attempt(
                form,
                lambda: services.proposal_update_draft(
                    proposal=proposal, actor=request.user, **texts
                ),
            )
        if ok:
            messages.success(request, _("Draft saved."))
            return redirect("desks:member")
    return render(
        request, "desks/draft.html", {"section": "desk", "form": form, "proposal": proposal}
    )


@require_POST
@perms.role_required(Role.MEMBER, admin=False)
def member_action(request: HttpRequest, key: str, action: str) -> HttpResponse:
    proposal = get_object_or_404(selectors.desk_proposals(user=request.user), key=key)
    try:
        if action == "confirm":
            perms.require_cosigner(request.user, proposal)
            services.cosigner_confirm(
                proposal=proposal, member=request.user.profile.member, actor=request.user
            )
            messages.success(request, _("Your signature is confirmed."))
        else:
            perms.require_lead(request.user, proposal)
            if action == "submit":
                services.proposal_submit(
                    proposal=proposal, on=timezone.localdate(), actor=request.user
                )
                messages.success(
                    request, _("Submitted: the office reviews it next; its status shows here.")
                )
            elif action == "withdraw":
                services.proposal_withdraw(proposal=proposal, actor=request.user)
                messages.success(request, _("Withdrawn."))
            else:
                raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("desks:member")


@require_POST
@perms.role_required(Role.MEMBER, admin=False)
def rate_reply(request: HttpRequest, reply_id: int) -> HttpResponse:
    reply = get_object_or_404(selectors.reply_to_rate(user=request.user), pk=reply_id)
    perms.require_lead(request.user, reply.assignment.proposal)
    body = reply.assignment.proposal.session.body_id
    form = FeedbackForm(request.POST, prefix=f"r{reply.pk}", body=body)
    if form.is_valid() and _attempt(
        form,
        lambda: services.feedback_give(
            reply=reply,
            rating=form.cleaned_data["rating"],
            on=timezone.localdate(),
            comment=form.cleaned_data["comment"],
            comment_public=form.cleaned_data["comment_public"],
            actor=request.user,
        ),
    ):
        messages.success(request, _("Thank you: your rating is recorded."))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("desks:member")


# --- office ---------------------------------------------------------------------------


@perms.role_required(Role.OFFICE)
def office_queue(request: HttpRequest) -> HttpResponse:
    scope = selectors.office_proposals(user=request.user)
    tab = request.GET.get("tab", "review")
    today = timezone.localdate()
    body = perms.body_scope(request.user)
    tabs = selectors.office_tabs(scope=scope)
    if tab not in {*tabs, "overdue", "transfers"}:
        tab = "review"
    queue = _queue(request, assignments=tab in {"overdue", "transfers"}, body=body)
    context = {
        "section": "desk",
        "tab": tab,
        "queue": queue,
        "counts": {t: q.count() for t, q in tabs.items()},
    }
    if tab == "overdue":
        rows = selectors.overdue(today=today, body=body)
        context["assignments"] = _page(request, queue.apply(rows, prefix="proposal__"))
    elif tab == "transfers":
        rows = selectors.transfer_requests(scope=scope)
        context["assignments"] = _page(request, queue.apply(rows, prefix="proposal__"))
        context["transfer_form"] = TransferApproveForm(body=body)
    else:
        rows = queue.apply(tabs[tab])
        context["proposals"] = _page(request, rows)
        if tab in {"review", "assign"}:
            context["bulk"] = BulkForm(
                queryset=rows,
                body=body,
                initial={"action": "file" if tab == "review" else "assign"},
            )
    context["overdue_count"] = (
        context["assignments"].paginator.count
        if tab == "overdue"
        else selectors.overdue(today=today, body=body).count()
    )
    return render(request, "desks/office.html", context)


@require_POST
@perms.role_required(Role.OFFICE)
def office_bulk(request: HttpRequest) -> HttpResponse:
    scope = selectors.office_proposals(user=request.user)
    body = None if perms.role_of(request.user) == Role.ADMIN else request.user.profile.body
    form = BulkForm(request.POST, queryset=scope, body=body)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect(request.META.get("HTTP_REFERER") or "desks:office")
    done, refused = 0, []
    today = timezone.localdate()
    for proposal in form.cleaned_data["proposals"]:
        try:
            if form.cleaned_data["action"] == "file":
                services.proposal_review(
                    proposal=proposal, decision="filed", on=today, actor=request.user
                )
            else:
                services.proposal_assign(
                    proposal=proposal,
                    agency=form.cleaned_data["agency"],
                    role="lead",
                    on=today,
                    actor=request.user,
                )
            done += 1
        except ValidationError as exc:
            refused.append(f"{proposal.key}: {' '.join(exc.messages)}")
    if done and form.cleaned_data["action"] == "file":
        messages.success(
            request,
            ngettext(
                "%(n)d proposal filed and published. Next: assign it under “To assign”.",
                "%(n)d proposals filed and published. Next: assign them under “To assign”.",
                done,
            )
            % {"n": done},
        )
    elif done:
        messages.success(
            request,
            ngettext(
                "%(n)d proposal assigned to %(agency)s as lead unit; it now awaits its reply.",
                "%(n)d proposals assigned to %(agency)s as lead unit; they now await replies.",
                done,
            )
            % {"n": done, "agency": form.cleaned_data["agency"].name},
        )
    for line in refused:
        messages.error(request, line)
    return redirect(request.META.get("HTTP_REFERER") or "desks:office")


# What each office action did and what comes next, said once it is done.
OFFICE_DONE = {
    "reopen": _lazy(
        "Reopened: the agencies whose replies were rated unsatisfied must reply again"
        " by the new due date."
    ),
    "close": _lazy("Closed: handling is finished and the public page says so."),
    "key": _lazy(
        "Selected for key supervision: it is now listed on the supervisors' desk"
        " and marked on its public page."
    ),
    "unkey": _lazy("No longer a key proposal: it has left the supervisors' desk."),
}


def _review_message(decision: str, merged_into) -> str:
    if decision == "filed":
        return _("Filed and published. Next: assign it to its lead unit below.")
    if decision == "merged":
        return _("Merged into “%(title)s”: it now follows that proposal's handling.") % {
            "title": merged_into.title
        }
    if decision == "not_filed":
        return _("Not filed: the proposer sees the reason on their desk. Nothing else is needed.")
    return _("Converted to a letter for reference: it leaves the proposal queues.")


@perms.role_required(Role.OFFICE)
def office_proposal(request: HttpRequest, key: str) -> HttpResponse:
    proposal = get_object_or_404(selectors.office_proposal(user=request.user), key=key)
    body = proposal.session.body
    committees = proposal_selectors.supervisors_for(body)
    review = ReviewForm(prefix="review", body=body)
    rule = deadlines.rule_text(proposal.kind)
    assign = AssignForm(prefix="assign", body=body, rule=rule)
    transfer = TransferApproveForm(prefix="transfer", body=body)
    confirm_merge, done = None, ""
    if request.method == "POST":
        action, today, user = request.POST.get("action"), timezone.localdate(), request.user
        ok = False
        if action == "review":
            review = ReviewForm(request.POST, prefix="review", body=body)
            if review.is_valid():
                data = review.cleaned_data

                def decide():
                    services.proposal_review(
                        proposal=proposal,
                        decision=data["decision"],
                        on=today,
                        reason=data["reason"],
                        note=data["note"],
                        merged_into=data["merged_into"],
                        actor=user,
                    )

                if data["decision"] == "merged" and not request.POST.get("confirm"):
                    # A merge cannot be undone: say what it does and ask once more.
                    confirm_merge = data["merged_into"]
                else:
                    target = data["merged_into"]  # a refusal takes it out of cleaned_data
                    ok = _attempt(review, decide)
                    done = _review_message(data["decision"], target) if ok else ""
        elif action == "assign":
            assign = AssignForm(request.POST, prefix="assign", body=body, rule=rule)
            if assign.is_valid():
                data = assign.cleaned_data
                ok = _attempt(
                    assign,
                    lambda: services.proposal_assign(
                        proposal=proposal,
                        agency=data["agency"],
                        role=data["role"],
                        on=today,
                        due_on=data["due_on"],
                        actor=user,
                    ),
                )
                done = _(
                    "Assigned to %(agency)s; role: %(role)s. Next: add a joint or assisting"
                    " unit below if needed, or go back to the queue."
                ) % {
                    "agency": data["agency"].name,
                    "role": vocabulary.label(body, vocabulary.HANDLING_ROLE, data["role"]),
                }
        elif action in {"transfer", "refuse-transfer"}:
            transfer = TransferApproveForm(request.POST, prefix="transfer", body=body)
            assignment = get_object_or_404(proposal.assignments, pk=request.POST.get("assignment"))
            if action == "refuse-transfer":
                ok = _attempt(
                    transfer,
                    lambda: services.assignment_refuse_transfer(assignment=assignment, actor=user),
                )
                done = _(
                    "Transfer refused: %(agency)s keeps the proposal and still owes a reply."
                ) % {"agency": assignment.agency.name}
            elif transfer.is_valid():
                ok = _attempt(
                    transfer,
                    lambda: services.assignment_transfer(
                        assignment=assignment,
                        to_agency=transfer.cleaned_data["to_agency"],
                        on=today,
                        actor=user,
                    ),
                )
                done = _(
                    "Transferred to %(agency)s, which now has the body's reply period from today."
                ) % {"agency": transfer.cleaned_data["to_agency"].name}
        elif action in {"reopen", "close", "key", "unkey"}:
            call = {
                "reopen": lambda: services.proposal_reopen(proposal=proposal, on=today, actor=user),
                "close": lambda: services.proposal_close(proposal=proposal, actor=user),
                "key": lambda: services.proposal_set_key(
                    proposal=proposal,
                    is_key=True,
                    supervisor=committees.filter(key=request.POST.get("supervisor")).first(),
                    actor=user,
                ),
                "unkey": lambda: services.proposal_set_key(
                    proposal=proposal, is_key=False, actor=user
                ),
            }[action]
            try:
                call()
                ok = True
                done = OFFICE_DONE[action]
            except ValidationError as exc:
                # A button, not a form: say why on the page it came from.
                messages.error(request, " ".join(exc.messages))
                return redirect("desks:office-proposal", key=proposal.key)
        else:
            raise Http404
        if ok:
            messages.success(request, done)
            return redirect("desks:office-proposal", key=proposal.key)
    return render(
        request,
        "desks/office_proposal.html",
        {
            "section": "desk",
            "proposal": proposal,
            "review_form": review,
            "assign_form": assign,
            "transfer_form": transfer,
            "history": audit.history(proposal),
            "timeline": proposal_timeline(proposal=proposal, public=False),
            "confirm_merge": confirm_merge,
            "committees": committees,
            "insights": office_insights(proposal=proposal),
            "regulation_links": law_selectors.suggested_links(proposal=proposal),
        },
    )


@perms.role_required(Role.OFFICE, Role.SUPERVISOR)
def statistics(request: HttpRequest) -> HttpResponse:
    sessions = selectors.statistics_sessions(body=perms.body_scope(request.user))
    session = sessions.filter(key=request.GET.get("session")).first() or sessions.first()
    # The columns are the session's body's categories and scale (none: no columns).
    categories = vocabulary.terms(session.body_id, vocabulary.REPLY_CATEGORY) if session else []
    ratings = vocabulary.terms(session.body_id, vocabulary.SATISFACTION) if session else []
    rows = [
        (
            agency,
            s,
            s.counts("categories", [t.code for t in categories]),
            s.counts("ratings", [t.code for t in ratings]),
        )
        for agency, s in (selectors.agency_statistics(session=session) if session else [])
    ]
    return render(
        request,
        "desks/statistics.html",
        {
            "section": "desk",
            "sessions": sessions,
            "session": session,
            "rows": rows,
            "categories": categories,
            "ratings": ratings,
            "columns": 4 + len(categories) + len(ratings),
            "totals": selectors.session_totals(session=session) if session else {},
        },
    )


# --- agency -----------------------------------------------------------------------------


@perms.role_required(Role.AGENCY)
def agency_inbox(request: HttpRequest) -> HttpResponse:
    mine = selectors.agency_assignments(user=request.user)
    today = timezone.localdate()
    queue = _queue(request, assignments=True)
    to_reply = queue.apply(selectors.awaiting_answer(assignments=mine), prefix="proposal__")
    return render(
        request,
        "desks/agency.html",
        {
            "section": "desk",
            "queue": queue,
            "today": today,
            "soon": today + timezone.timedelta(days=14),
            "to_reply": _page(request, to_reply),
            "replied": selectors.answered(assignments=mine, limit=PAGE),
            "transfers": selectors.transfers_asked(assignments=mine),
            "drafts": selectors.with_reply_drafts(assignments=mine),
        },
    )


@perms.role_required(Role.AGENCY)
def agency_reply(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = get_object_or_404(
        # The proposal's citations say which of its texts are this site's translation.
        selectors.agency_assignments(user=request.user).prefetch_related(
            cited(path="proposal__citations")
        ),
        pk=assignment_id,
    )
    perms.require_agency(request.user, assignment)
    draft = getattr(assignment, "reply_draft", None)
    initial = {"published": True}
    if draft is not None:
        initial = {f: getattr(draft, f) for f in ("category", "text_zh", "text_en", "published")}
    body = assignment.proposal.session.body_id
    reply = ReplyForm(prefix="reply", initial=initial, body=body)
    transfer = TransferRequestForm(prefix="transfer")
    if request.method == "POST":
        today, user, action = timezone.localdate(), request.user, request.POST.get("action")
        if action == "transfer":
            transfer = TransferRequestForm(request.POST, prefix="transfer")
            if transfer.is_valid() and _attempt(
                transfer,
                lambda: services.assignment_request_transfer(
                    assignment=assignment,
                    on=today,
                    reason=transfer.cleaned_data["reason"],
                    actor=user,
                ),
            ):
                messages.success(request, _("Transfer requested; the office will decide."))
                return redirect("desks:agency")
        elif action == "draft":
            reply = ReplyDraftForm(request.POST, prefix="reply", body=body)
            if reply.is_valid() and _attempt(
                reply,
                lambda: services.reply_draft_save(
                    assignment=assignment, actor=user, **reply.cleaned_data
                ),
            ):
                messages.success(request, _("Draft reply saved; it has not been sent."))
                return redirect("desks:agency-reply", assignment_id=assignment.pk)
        else:
            reply = ReplyForm(request.POST, prefix="reply", body=body)
            if reply.is_valid():
                data = reply.cleaned_data
                if _attempt(
                    reply,
                    lambda: services.reply_create(
                        assignment=assignment,
                        category=data["category"],
                        on=today,
                        text_zh=data["text_zh"],
                        text_en=data["text_en"],
                        published=data["published"],
                        actor=user,
                    ),
                ):
                    messages.success(request, _("Reply sent."))
                    return redirect("desks:agency")
    return render(
        request,
        "desks/agency_reply.html",
        {
            "section": "desk",
            "assignment": assignment,
            "proposal": assignment.proposal,
            "reply_form": reply,
            "transfer_form": transfer,
            "draft": draft,
            "earlier": selectors.earlier_replies(user=request.user, assignment=assignment),
        },
    )


# --- supervisor ---------------------------------------------------------------------------


@perms.role_required(Role.SUPERVISOR)
def supervisor_desk(request: HttpRequest) -> HttpResponse:
    queryset = selectors.key_proposals(user=request.user)
    queue = _queue(request, body=perms.body_scope(request.user))
    return render(
        request,
        "desks/supervisor.html",
        {
            "section": "desk",
            "queue": queue,
            "proposals": _page(request, queue.apply(queryset)),
            "today": timezone.localdate(),
        },
    )
