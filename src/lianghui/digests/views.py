"""A session's highlights: the public page and its Markdown, and the office's
editing desk. Thin: check the role, call services or selectors, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from lianghui.accounts import permissions as perms
from lianghui.accounts.enums import Role
from lianghui.portal.caching import public_page
from lianghui.proposals.models import Session

from . import markdown, selectors, services
from .enums import Section
from .models import DigestItem


@require_safe
@public_page
def digest_page(request: HttpRequest, key: str) -> HttpResponse:
    found = selectors.published_digest(session_key=key)
    if found is None:
        raise Http404(_("No highlights have been published for this session."))
    digest, parts = found
    return render(
        request,
        "digests/digest.html",
        {
            "section": "sessions",
            "digest": digest,
            "session": digest.session,
            "parts": parts,
            "edited": selectors.edited(digest),
        },
    )


@require_safe
def digest_markdown(request: HttpRequest, key: str) -> HttpResponse:
    found = selectors.published_digest(session_key=key)
    if found is None:
        raise Http404(_("No highlights have been published for this session."))
    digest, parts = found
    text = markdown.render(
        digest, parts, edited=selectors.edited(digest), absolute_url=request.build_absolute_uri
    )
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{key}-highlights.md"'
    return response


def _session_for_staff(request, key: str) -> Session:
    session = get_object_or_404(Session.objects.select_related("body"), key=key)
    if not perms.is_office_of(request.user, session.body_id):
        raise PermissionDenied(_("Only the office of this session's body edits its highlights."))
    return session


@perms.role_required(Role.OFFICE)
def digest_desk(request: HttpRequest, key: str) -> HttpResponse:
    session = _session_for_staff(request, key)
    if request.method == "POST":
        _act(request, session)
        return redirect(reverse("digests:desk", args=[key]) + "#items")
    digest, items = selectors.digest_for_staff(session=session)
    titles = selectors.proposal_titles([k for i in items for k in i.related])
    for item in items:
        item.examples = [titles[k] for k in item.related if k in titles]
    return render(
        request,
        "digests/desk.html",
        {
            "section": "desk",
            "session": session,
            "digest": digest,
            "items": items,
            "sections": Section.choices,
        },
    )


TEXTS = ("title_zh", "title_en", "text_zh", "text_en")


def _texts(post) -> dict[str, str]:
    return {f: post.get(f, "").strip() for f in TEXTS}


def _act(request: HttpRequest, session: Session) -> None:
    post, user = request.POST, request.user
    action = post.get("action", "")
    item = None
    if post.get("item"):
        item = get_object_or_404(
            DigestItem.objects.select_related("digest"),
            pk=post.get("item") if post.get("item", "").isdigit() else 0,
            digest__session=session,
        )
    try:
        if action == "generate":
            services.digest_generate(session=session, actor=user)
            messages.success(request, _("The highlights were chosen again from the records."))
        elif action == "edit" and item:
            services.digest_item_edit(
                item=item,
                actor=user,
                **{
                    f: post.get(f, "").strip()
                    for f in ("title_zh", "title_en", "text_zh", "text_en")
                },
            )
            messages.success(request, _("Saved: the item is marked as edited by a person."))
        elif action in ("up", "down") and item:
            services.digest_item_move(item=item, by=-1 if action == "up" else 1, actor=user)
        elif action in ("remove", "restore") and item:
            services.digest_item_remove(item=item, actor=user, removed=action == "remove")
        elif action == "add":
            digest = selectors.digest_for_staff(session=session)[0]
            if digest is None:
                digest = services.digest_generate(session=session, actor=user)
            services.digest_item_add(
                digest=digest,
                actor=user,
                section=post.get("section", ""),
                **{
                    f: post.get(f, "").strip()
                    for f in ("title_zh", "title_en", "text_zh", "text_en")
                },
            )
            messages.success(request, _("Added."))
        elif action in ("publish", "withdraw"):
            digest = selectors.digest_for_staff(session=session)[0]
            if digest is None:
                raise ValidationError(_("Generate the highlights first."))
            services.digest_publish(digest=digest, actor=user, publish=action == "publish")
            messages.success(
                request,
                _("Published: the highlights are on the session's page.")
                if action == "publish"
                else _("Withdrawn: the highlights are a draft again."),
            )
        else:
            messages.error(request, _("Unknown action."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
