"""Consultation pages: the public page with its comment form, and the staff's
moderation queue, theme review and response form. Thin: permission checks from
accounts/permissions.py, writes through services, reads through selectors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from lianghui.accounts import permissions as perms
from lianghui.following.enums import Target
from lianghui.laws.models import RegulationVersion
from lianghui.portal.figures import follow_context
from lianghui.proposals import visibility

from . import selectors, services
from .enums import CommentStatus, ThemeStatus
from .forms import CommentForm, ModerateForm, ResponseForm
from .models import Comment, Consultation, Theme, ThemeDecision


def _consultation(key: str) -> Consultation:
    try:
        return selectors.consultation_detail(key=key)
    except Consultation.DoesNotExist:
        raise Http404(_("No such consultation.")) from None


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@require_safe
def consultation_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "consultations/list.html",
        {"section": "regulations", "consultations": selectors.consultation_list()},
    )


def _detail_context(request, consultation, form=None) -> dict:
    provisions = selectors.provisions_of(consultation)
    shown = list(selectors.comments_shown(consultation=consultation, viewer=visibility.ANONYMOUS))
    by_provision: dict[int | None, list[Comment]] = {}
    for c in shown:
        by_provision.setdefault(c.provision_id, []).append(c)
    user = request.user
    return {
        "section": "regulations",
        "consultation": consultation,
        "regulation": consultation.version.regulation,
        "provisions": [(p, by_provision.get(p.pk, [])) for p in provisions],
        "general_comments": by_provision.get(None, []),
        "published_count": len(shown),
        "campaigns": selectors.campaign_sizes(consultation=consultation),
        "capacities": selectors.capacity_counts(consultation=consultation),
        "themes": selectors.themes_of(consultation=consultation),
        "response": selectors.response_of(consultation),
        "own": selectors.own_comments(consultation=consultation, user=user),
        "is_open": consultation.is_open(),
        "form": form or CommentForm(provisions=provisions, initial=_initial(request)),
        "may_moderate": visibility.may_moderate(user, consultation),
        "may_respond": user.is_authenticated and perms.may_respond(user, consultation),
        "follow": follow_context(request, Target.CONSULTATION, consultation.key),
    }


def _initial(request) -> dict:
    provision = request.GET.get("provision", "")
    return {"provision": int(provision)} if _is_number(provision) else {}


@require_safe
def consultation_detail(request: HttpRequest, key: str) -> HttpResponse:
    consultation = _consultation(key)
    return render(request, "consultations/detail.html", _detail_context(request, consultation))


def _provision(consultation, pk):
    if pk is None:
        return None
    found = [p for p in selectors.provisions_of(consultation) if p.pk == pk]
    if not found:
        raise ValidationError(_("That article is not in the draft under consultation."))
    return found[0]


@login_required
@require_POST
def comment_create(request: HttpRequest, key: str) -> HttpResponse:
    consultation = _consultation(key)
    perms.require_commenter(request.user)
    form = CommentForm(request.POST, provisions=selectors.provisions_of(consultation))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.comment_create(
                consultation=consultation,
                author=request.user,
                capacity=data["capacity"],
                text=data["text"],
                provision=_provision(consultation, data["provision"]),
                organization_name=data["organization_name"],
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(
                request, _("Thank you. Your comment will be shown once a moderator has read it.")
            )
            return redirect(consultation.get_absolute_url() + "#your-comments")
    context = _detail_context(request, consultation, form)
    return render(request, "consultations/detail.html", context, status=400)


def _own_comment(request, key: str, pk: int) -> Comment:
    consultation = _consultation(key)
    comment = selectors.own_comments(consultation=consultation, user=request.user).filter(pk=pk)
    found = comment.first()
    if found is None:
        raise Http404(_("No such comment of yours."))
    return found


@login_required
def comment_edit(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    comment = _own_comment(request, key, pk)
    consultation = comment.consultation
    provisions = selectors.provisions_of(consultation)
    if request.method == "POST":
        form = CommentForm(request.POST, provisions=provisions)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.comment_edit(
                    comment=comment,
                    author=request.user,
                    text=data["text"],
                    capacity=data["capacity"],
                    organization_name=data["organization_name"],
                    provision=_provision(consultation, data["provision"]),
                )
            except ValidationError as exc:
                _errors(request, exc)
            else:
                messages.success(request, _("Your comment was changed; it returns to moderation."))
                return redirect(consultation.get_absolute_url() + "#your-comments")
    else:
        form = CommentForm(
            provisions=provisions,
            initial={
                "provision": comment.provision_id,
                "capacity": comment.capacity,
                "organization_name": comment.organization_name,
                "text": comment.text,
            },
        )
    return render(
        request,
        "consultations/comment_edit.html",
        {"section": "regulations", "consultation": consultation, "comment": comment, "form": form},
    )


@login_required
@require_POST
def comment_withdraw(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    comment = _own_comment(request, key, pk)
    try:
        services.comment_withdraw(comment=comment, author=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Your comment was withdrawn."))
    return redirect(comment.consultation.get_absolute_url() + "#your-comments")


# --- staff -----------------------------------------------------------------------------------


@login_required
def moderation(request: HttpRequest, key: str) -> HttpResponse:
    consultation = _consultation(key)
    perms.require_moderator(request.user, consultation)
    status = request.GET.get("status", CommentStatus.PENDING)
    if status not in CommentStatus.values or status == CommentStatus.WITHDRAWN:
        status = CommentStatus.PENDING
    queue = list(
        selectors.moderation_queue(consultation=consultation, viewer=request.user, status=status)
    )
    campaigns = selectors.campaign_sizes(consultation=consultation)
    return render(
        request,
        "consultations/moderate.html",
        {
            "section": "regulations",
            "consultation": consultation,
            "queue": queue,
            "status": status,
            "statuses": [s for s in CommentStatus if s != CommentStatus.WITHDRAWN],
            "form": ModerateForm(),
            "campaigns": campaigns,
        },
    )


@login_required
@require_POST
def moderate(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    consultation = _consultation(key)
    perms.require_moderator(request.user, consultation)
    comment = visibility.comments_for(request.user).filter(consultation=consultation, pk=pk).first()
    if comment is None:
        raise Http404(_("No such comment."))
    form = ModerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
    else:
        try:
            comment = services.comment_moderate(
                comment=comment,
                moderator=request.user,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(
                request,
                _("Comment #%(n)d: %(decision)s.")
                % {"n": comment.pk, "decision": comment.get_status_display()},
            )
    return redirect("consultations:moderate", key=consultation.key)


@login_required
def theme_review(request: HttpRequest, key: str) -> HttpResponse:
    consultation = _consultation(key)
    perms.require_moderator(request.user, consultation)
    themes = selectors.themes_of(
        consultation=consultation, statuses=(ThemeStatus.PROPOSED, ThemeStatus.ACCEPTED)
    )
    selectors.theme_members(themes=themes)
    return render(
        request,
        "consultations/themes.html",
        {
            "section": "regulations",
            "consultation": consultation,
            "allowed": services.themes_allowed(consultation),
            "themes": themes,
            "decisions": ThemeDecision.objects.filter(consultation=consultation)
            .select_related("user", "theme")
            .order_by("-at", "-id")[:50],
        },
    )


@login_required
@require_POST
def themes_propose(request: HttpRequest, key: str) -> HttpResponse:
    consultation = _consultation(key)
    perms.require_moderator(request.user, consultation)
    try:
        found = services.themes_propose(consultation=consultation, actor=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("%(n)d themes proposed.") % {"n": len(found)})
    return redirect("consultations:themes", key=consultation.key)


@login_required
@require_POST
def theme_decide(request: HttpRequest, key: str, pk: int, action: str) -> HttpResponse:
    consultation = _consultation(key)
    perms.require_moderator(request.user, consultation)
    theme = Theme.objects.filter(consultation=consultation, pk=pk).first()
    if theme is None:
        raise Http404(_("No such theme."))
    note = request.POST.get("note", "")
    labels = {f: request.POST.get(f, "") for f in ("label_zh", "label_en")}

    def other(value, missing: str) -> Theme:
        """Another theme of this consultation, named by a form field."""
        found = Theme.objects.filter(consultation=consultation, pk=_int(value)).first()
        if found is None:
            raise ValidationError(missing)
        return found

    try:
        if action == "accept":
            services.theme_accept(theme=theme, user=request.user, note=note)
        elif action == "reject":
            services.theme_reject(theme=theme, user=request.user, note=note)
        elif action == "rename":
            services.theme_rename(theme=theme, user=request.user, note=note, **labels)
        elif action == "merge":
            into = other(request.POST.get("into"), _("Choose the theme to merge into."))
            services.theme_merge(theme=theme, into=into, user=request.user, note=note)
        elif action == "split":
            services.theme_split(
                theme=theme,
                comments=[_int(v) for v in request.POST.getlist("comments")],
                user=request.user,
                note=note,
                **labels,
            )
        elif action == "move":
            comment = Comment.objects.filter(
                consultation=consultation, pk=_int(request.POST.get("comment"))
            ).first()
            if comment is None:
                raise ValidationError(_("Choose a comment to move."))
            # The address names the theme it goes to, or the form does ("to"), from
            # the theme's page where the comment is listed.
            target = theme
            if request.POST.get("to"):
                target = other(request.POST.get("to"), _("Choose the theme to move it to."))
            services.comment_move(comment=comment, theme=target, user=request.user, note=note)
        else:
            raise Http404(_("No such action."))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("consultations:themes", key=consultation.key)


def _lang(request) -> str:
    return "zh" if (request.LANGUAGE_CODE or "").startswith("zh") else "en"


def _int(value) -> int | None:
    return int(value) if _is_number(str(value or "")) else None


def _is_number(text: str) -> bool:
    # isdigit() alone takes "²" for a digit, which int() refuses.
    return text.isascii() and text.isdigit()


@login_required
@require_POST
def close(request: HttpRequest, key: str) -> HttpResponse:
    consultation = _consultation(key)
    perms.require_responder(request.user, consultation)
    try:
        services.consultation_close(consultation=consultation, actor=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The comment window is closed."))
    return redirect(consultation.get_absolute_url())


@login_required
def response_edit(request: HttpRequest, key: str) -> HttpResponse:
    consultation = _consultation(key)
    perms.require_responder(request.user, consultation)
    provisions = selectors.provisions_of(consultation)
    published = list(
        selectors.comments_shown(consultation=consultation, viewer=visibility.ANONYMOUS)
    )
    kwargs = {"provisions": provisions, "comments": published}
    final = (
        RegulationVersion.objects.filter(
            regulation_id=consultation.version.regulation_id, kind="final"
        )
        .order_by("-date")
        .first()
    )
    if request.method == "POST":
        form = ResponseForm(request.POST, **kwargs)
        if form.is_valid():
            data = form.cleaned_data
            changes = []
            if data["change_text"].strip():
                by_id = {c.pk: c for c in published}
                changes.append(
                    {
                        "draft_provision": _provision(consultation, data["change_provision"]),
                        # Written in the language of the page it was written on.
                        f"text_{_lang(request)}": data["change_text"],
                        "comments": [by_id[i] for i in data["change_comments"] if i in by_id],
                    }
                )
            try:
                services.response_publish(
                    consultation=consultation,
                    actor=request.user,
                    summary_zh=data["summary_zh"],
                    summary_en=data["summary_en"],
                    final_version=final,
                    changes=changes,
                )
            except ValidationError as exc:
                _errors(request, exc)
            else:
                messages.success(request, _("The response is published."))
                return redirect(consultation.get_absolute_url() + "#response")
    else:
        form = ResponseForm(**kwargs)
    return render(
        request,
        "consultations/response_form.html",
        {
            "section": "regulations",
            "consultation": consultation,
            "form": form,
            "closed": consultation.has_closed(),
            "final": final,
        },
    )
