"""Writes of consultations: open and close a window, comment, edit, withdraw,
moderate, decide on themes, publish the response. Keyword-only, atomic, audited;
entry points check permissions (accounts/permissions.py) before calling."""

from __future__ import annotations

import hashlib
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from lianghui.core import audit
from lianghui.insights.text import normalize
from lianghui.laws.enums import VersionKind

from .enums import Capacity, CommentStatus, HideReason, ModerationDecision, ThemeAction, ThemeStatus
from .models import Comment, Consultation, Response, ResponseChange, Theme, ThemeDecision

MAX_COMMENT = 20_000
DRAFT_KINDS = {VersionKind.DRAFT, VersionKind.REVISED_DRAFT}
_SQUEEZE = re.compile(r"[\s\W_]+", re.UNICODE)


def fingerprint(text: str) -> str:
    """The campaign key of a text: equal for texts that differ only in case,
    spacing, punctuation or script width."""
    squeezed = _SQUEEZE.sub("", normalize(text))
    return "c" + hashlib.sha1(squeezed.encode("utf-8")).hexdigest()[:16]


# --- the window ------------------------------------------------------------------------------


@transaction.atomic
def consultation_open(
    *,
    version,
    key: str,
    opens_on,
    closes_on,
    run_by,
    body=None,
    title_zh: str = "",
    title_en: str = "",
    use_of_comments_zh: str = "",
    use_of_comments_en: str = "",
    themes_enabled: bool = True,
    generated: bool = False,
    actor=None,
) -> Consultation:
    if version.kind not in DRAFT_KINDS:
        raise ValidationError({"version": _("Only a draft can be put to consultation.")})
    if closes_on < opens_on:
        raise ValidationError({"closes_on": _("The window must close after it opens.")})
    consultation = Consultation.objects.create(
        key=key,
        version=version,
        opens_on=opens_on,
        closes_on=closes_on,
        run_by=run_by,
        body=body,
        title_zh=title_zh,
        title_en=title_en,
        use_of_comments_zh=use_of_comments_zh,
        use_of_comments_en=use_of_comments_en,
        themes_enabled=themes_enabled,
        generated=generated,
    )
    audit.record(actor=actor, root=consultation, action="open", public=True)
    return consultation


@transaction.atomic
def consultation_close(*, consultation, actor=None, now=None) -> Consultation:
    """Close the window now (before its last day); a closed window stays closed."""
    now = now or timezone.now()
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.has_closed(now):
        raise ValidationError(_("This consultation is already closed."))
    consultation.closed_at = now
    consultation.save(update_fields=["closed_at", "updated_at"])
    audit.record(actor=actor, root=consultation, action="close", public=True, at=now)
    return consultation


# --- comments ----------------------------------------------------------------------------------


def _require_open(consultation: Consultation, now) -> None:
    if consultation.is_open(now):
        return
    if consultation.has_closed(now):
        raise ValidationError(
            _(
                "The comment window closed on %(date)s: comments can no longer be made, "
                "edited or withdrawn."
            )
            % {"date": formats.date_format(consultation.closes_on)}
        )
    raise ValidationError(
        _("The comment window opens on %(date)s.")
        % {"date": formats.date_format(consultation.opens_on)}
    )


def _clean_comment(*, consultation, capacity, text, provision, organization_name) -> dict:
    errors = {}
    text = (text or "").strip()
    if not text:
        errors["text"] = _("Write a comment.")
    elif len(text) > MAX_COMMENT:
        errors["text"] = _("At most %(n)d characters.") % {"n": MAX_COMMENT}
    if capacity not in Capacity.values:
        errors["capacity"] = _("Say in which capacity you comment.")
    if provision is not None and provision.version_id != consultation.version_id:
        errors["provision"] = _("That article is not in the draft under consultation.")
    organization_name = (organization_name or "").strip()
    if len(organization_name) > 300:
        errors["organization_name"] = _("At most 300 characters.")
    if errors:
        raise ValidationError(errors)
    return {
        "capacity": capacity,
        "text": text,
        "provision": provision,
        "organization_name": organization_name,
        "campaign": fingerprint(text),
    }


@transaction.atomic
def comment_create(
    *,
    consultation,
    author,
    capacity: str,
    text: str,
    provision=None,
    organization_name: str = "",
    generated: bool = False,
    now=None,
) -> Comment:
    now = now or timezone.now()
    if not generated:
        _require_open(consultation, now)
    fields = _clean_comment(
        consultation=consultation,
        capacity=capacity,
        text=text,
        provision=provision,
        organization_name=organization_name,
    )
    comment = Comment.objects.create(
        consultation=consultation, author=author, generated=generated, **fields
    )
    audit.record(actor=author, root=comment, action="comment", at=now)
    return comment


def _own_open(comment, author, now) -> Comment:
    comment = Comment.objects.select_for_update().select_related("consultation").get(pk=comment.pk)
    if author is None or comment.author_id != author.pk:
        raise ValidationError(_("Only its author can change a comment."))
    if comment.status == CommentStatus.WITHDRAWN:
        raise ValidationError(_("This comment was withdrawn."))
    _require_open(comment.consultation, now)
    return comment


@transaction.atomic
def comment_edit(
    *,
    comment,
    author,
    text: str,
    capacity: str | None = None,
    organization_name: str | None = None,
    provision=...,
    now=None,
) -> Comment:
    """Change a comment while the window is open. An edited comment goes back to
    the moderation queue: what was published is not what it says now."""
    now = now or timezone.now()
    comment = _own_open(comment, author, now)
    fields = _clean_comment(
        consultation=comment.consultation,
        capacity=capacity if capacity is not None else comment.capacity,
        text=text,
        provision=comment.provision if provision is ... else provision,
        organization_name=(
            comment.organization_name if organization_name is None else organization_name
        ),
    )
    before = comment.status
    for name, value in fields.items():
        setattr(comment, name, value)
    comment.edited_at = now
    comment.status = CommentStatus.PENDING
    comment.hide_reason, comment.moderation_note = "", ""
    comment.moderated_by, comment.moderated_at = None, None
    comment.save()
    audit.record(
        actor=author, root=comment, action="edit", changes={"status": (before, comment.status)}
    )
    return comment


@transaction.atomic
def comment_withdraw(*, comment, author, now=None) -> Comment:
    """Withdraw a comment while the window is open: it leaves every public channel."""
    now = now or timezone.now()
    comment = _own_open(comment, author, now)
    before = comment.status
    comment.status = CommentStatus.WITHDRAWN
    comment.withdrawn_at = now
    comment.theme = None
    comment.save(update_fields=["status", "withdrawn_at", "theme", "updated_at"])
    audit.record(
        actor=author, root=comment, action="withdraw", changes={"status": (before, comment.status)}
    )
    return comment


@transaction.atomic
def comment_moderate(
    *, comment, moderator, decision: str, reason: str = "", note: str = "", now=None
) -> Comment:
    """Publish, hide (with a coded reason) or mark as spam. A moderator may revisit
    a decision; a withdrawn comment is its author's to keep out."""
    now = now or timezone.now()
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.status == CommentStatus.WITHDRAWN:
        raise ValidationError(_("This comment was withdrawn by its author."))
    if decision not in ModerationDecision.values:
        raise ValidationError({"decision": _("Choose publish, hide or spam.")})
    if decision == ModerationDecision.HIDE and reason not in HideReason.values:
        raise ValidationError({"reason": _("Give the reason for hiding the comment.")})
    if reason == HideReason.OTHER and not note.strip():
        raise ValidationError({"note": _("Explain the reason in the note.")})
    before = comment.status
    comment.status = decision
    comment.hide_reason = reason if decision == ModerationDecision.HIDE else ""
    comment.moderation_note = note.strip()[:500]
    comment.moderated_by = moderator
    comment.moderated_at = now
    comment.save()
    audit.record(
        actor=moderator,
        root=comment,
        action="moderate",
        changes={"status": (before, comment.status)},
        at=now,
    )
    return comment


# --- themes ------------------------------------------------------------------------------------


def themes_allowed(consultation) -> bool:
    """Themes are suggestions: off when the consultation or its body turns them off."""
    body = consultation.body
    return consultation.themes_enabled and (body is None or body.suggestions_enabled)


def _decide(theme, action, *, user, before=None, after=None, note="", consultation=None):
    ThemeDecision.objects.create(
        consultation=consultation or theme.consultation,
        theme=theme,
        action=action,
        before=before or {},
        after=after or {},
        note=note[:500],
        user=user,
    )
    audit.record(actor=user, root=consultation or theme.consultation, action=f"theme-{action}")


@transaction.atomic
def themes_propose(*, consultation, actor=None, analysis=None) -> list[Theme]:
    """Run the analysis over the published comments and store its themes as
    proposals. Themes staff already decided on stay; undecided proposals are
    replaced, and their comments return to the pool."""
    from .themes import analyse

    if not themes_allowed(consultation):
        raise ValidationError(_("Theme suggestions are switched off for this consultation."))
    stale = Theme.objects.filter(consultation=consultation, status=ThemeStatus.PROPOSED)
    Comment.objects.filter(theme__in=stale).update(theme=None)
    stale.delete()
    comments = list(
        Comment.objects.filter(
            consultation=consultation, status=CommentStatus.PUBLISHED, theme__isnull=True
        ).values_list("id", "text", "capacity")
    )
    result = analysis or analyse([t for _i, t, _c in comments])
    _apply_campaigns(consultation, comments, result.campaigns)
    themes = []
    for found in result.themes:
        ids = [comments[i][0] for i in found.members]
        theme = Theme.objects.create(
            consultation=consultation,
            label_zh=found.label_zh,
            label_en=found.label_en,
            keywords=found.keywords,
            reasons=found.reasons,
            quotes=[comments[i][0] for i in found.quotes],
            model_version=result.model_version,
        )
        Comment.objects.filter(id__in=ids).update(theme=theme)
        _decide(theme, ThemeAction.PROPOSE, user=actor, after={"comments": len(ids)})
        themes.append(theme)
    return themes


def _apply_campaigns(consultation, comments, clusters) -> None:
    """Near-identical texts share the campaign key of their earliest comment."""
    for members in clusters:
        ids = sorted(comments[i][0] for i in members)
        key = Comment.objects.filter(pk=ids[0]).values_list("campaign", flat=True).first()
        Comment.objects.filter(consultation=consultation, id__in=ids).update(campaign=key)


def _theme(theme) -> Theme:
    theme = Theme.objects.select_for_update().select_related("consultation").get(pk=theme.pk)
    if theme.status == ThemeStatus.MERGED:
        raise ValidationError(_("This theme was merged into another."))
    return theme


@transaction.atomic
def theme_accept(*, theme, user, note: str = "") -> Theme:
    theme = _theme(theme)
    before = theme.status
    theme.status = ThemeStatus.ACCEPTED
    theme.save(update_fields=["status", "updated_at"])
    _decide(theme, ThemeAction.ACCEPT, user=user, before={"status": before}, note=note)
    return theme


@transaction.atomic
def theme_reject(*, theme, user, note: str = "") -> Theme:
    theme = _theme(theme)
    before = theme.status
    theme.status = ThemeStatus.REJECTED
    theme.save(update_fields=["status", "updated_at"])
    moved = list(theme.comments.values_list("id", flat=True))
    theme.comments.update(theme=None)
    _decide(
        theme,
        ThemeAction.REJECT,
        user=user,
        before={"status": before, "comments": moved},
        note=note,
    )
    return theme


@transaction.atomic
def theme_rename(*, theme, user, label_zh: str, label_en: str, note: str = "") -> Theme:
    theme = _theme(theme)
    if not (label_zh.strip() or label_en.strip()):
        raise ValidationError(_("Give the theme a name."))
    before = {"label_zh": theme.label_zh, "label_en": theme.label_en}
    theme.label_zh, theme.label_en = label_zh.strip(), label_en.strip()
    theme.save(update_fields=["label_zh", "label_en", "updated_at"])
    _decide(
        theme,
        ThemeAction.RENAME,
        user=user,
        before=before,
        after={"label_zh": theme.label_zh, "label_en": theme.label_en},
        note=note,
    )
    return theme


@transaction.atomic
def theme_merge(*, theme, into, user, note: str = "") -> Theme:
    theme, into = _theme(theme), _theme(into)
    if theme.pk == into.pk or theme.consultation_id != into.consultation_id:
        raise ValidationError(_("Merge a theme into another theme of the same consultation."))
    moved = list(theme.comments.values_list("id", flat=True))
    theme.comments.update(theme=into)
    theme.status, theme.merged_into = ThemeStatus.MERGED, into
    theme.save(update_fields=["status", "merged_into", "updated_at"])
    _decide(
        theme,
        ThemeAction.MERGE,
        user=user,
        before={"comments": moved},
        after={"into": into.pk},
        note=note,
    )
    return into


@transaction.atomic
def theme_split(
    *, theme, comments, user, label_zh: str = "", label_en: str = "", note: str = ""
) -> Theme:
    """Move some of a theme's comments into a new theme (accepted: staff made it)."""
    theme = _theme(theme)
    ids = sorted({c.pk if hasattr(c, "pk") else int(c) for c in comments})
    mine = set(theme.comments.filter(id__in=ids).values_list("id", flat=True))
    if not ids or mine != set(ids):
        raise ValidationError(_("Choose some of this theme's comments to split off."))
    if len(mine) == theme.comments.count():
        raise ValidationError(_("Leave at least one comment in the theme."))
    label_zh, label_en = label_zh.strip(), label_en.strip()
    if not (label_zh or label_en):
        raise ValidationError(_("Give the new theme a name."))
    new = Theme.objects.create(
        consultation=theme.consultation,
        label_zh=label_zh,
        label_en=label_en,
        status=ThemeStatus.ACCEPTED,
        reasons={"split_from": theme.pk},
    )
    Comment.objects.filter(id__in=ids).update(theme=new)
    _decide(
        theme,
        ThemeAction.SPLIT,
        user=user,
        before={"comments": ids},
        after={"into": new.pk},
        note=note,
    )
    return new


@transaction.atomic
def comment_move(*, comment, theme, user, note: str = "") -> Comment:
    """Put a comment in another theme (or none: ``theme=None``)."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if theme is not None:
        theme = _theme(theme)
        if theme.consultation_id != comment.consultation_id:
            raise ValidationError(_("That theme belongs to another consultation."))
    before = comment.theme_id
    comment.theme = theme
    comment.save(update_fields=["theme", "updated_at"])
    _decide(
        theme,
        ThemeAction.MOVE,
        user=user,
        before={"comment": comment.pk, "theme": before},
        after={"theme": theme.pk if theme else None},
        note=note,
        consultation=comment.consultation,
    )
    return comment


# --- the response ------------------------------------------------------------------------------


@transaction.atomic
def response_publish(
    *,
    consultation,
    actor,
    summary_zh: str = "",
    summary_en: str = "",
    final_version=None,
    changes: list[dict] = (),
    now=None,
) -> Response:
    """Publish "what we heard and what changed" once the window has closed.

    Each change names the draft and/or final provision and the published
    comments (and themes) that asked for it."""
    now = now or timezone.now()
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if not consultation.has_closed(now):
        raise ValidationError(_("The response is published after the window closes."))
    if not (summary_zh.strip() or summary_en.strip()):
        raise ValidationError({"summary": _("Say what you heard.")})
    regulation_id = consultation.version.regulation_id
    if final_version is not None and final_version.regulation_id != regulation_id:
        raise ValidationError({"final_version": _("That text is of another regulation.")})
    response, _created = Response.objects.update_or_create(
        consultation=consultation,
        defaults={
            "summary_zh": summary_zh.strip(),
            "summary_en": summary_en.strip(),
            "final_version": final_version,
            "published_at": now,
            "published_by": actor,
        },
    )
    response.changes.all().delete()
    for n, change in enumerate(changes):
        draft, final = change.get("draft_provision"), change.get("final_provision")
        if draft is not None and draft.version_id != consultation.version_id:
            raise ValidationError(_("A change's draft article must be in the draft."))
        if final is not None and (final_version is None or final.version_id != final_version.pk):
            raise ValidationError(_("A change's final article must be in the final text."))
        wanted = [c.pk for c in change.get("comments", ())]
        comments = list(Comment.objects.filter(pk__in=wanted))
        if len(comments) != len(set(wanted)) or any(
            c.consultation_id != consultation.pk or c.status != CommentStatus.PUBLISHED
            for c in comments
        ):
            raise ValidationError(
                _("A change can cite only this consultation's published comments.")
            )
        # Read again, as the comments are: what is checked is what is stored.
        wanted = [t.pk for t in change.get("themes", ())]
        themes = list(Theme.objects.filter(pk__in=wanted))
        if len(themes) != len(set(wanted)) or any(
            t.consultation_id != consultation.pk or t.status != ThemeStatus.ACCEPTED for t in themes
        ):
            # A proposed, merged or rejected theme is not public (visibility.py).
            raise ValidationError(_("A change can cite only this consultation's accepted themes."))
        row = ResponseChange.objects.create(
            response=response,
            position=n,
            draft_provision=draft,
            final_provision=final,
            text_zh=change.get("text_zh", ""),
            text_en=change.get("text_en", ""),
        )
        row.comments.set(comments)
        row.themes.set(themes)
    audit.record(actor=actor, root=consultation, action="respond", public=True, at=now)
    return response
