"""A person's rights over their data: see and download everything the platform
holds about them (`archive`), correct their profile (`profile_update`), and
delete their account (`erase`).

What the archive holds is one registry, `TABLES`: each table names the
relations to the user it covers (`covers`). Every relation of any model to the
user model is either covered there or listed in `NOT_PERSONAL` with the reason,
and a test introspects the models to keep it so. Sign-in history (django-axes)
is kept by username, not by a relation, and is covered by name.

Retention (`retention` says it to the person before deletion):

- Everyone: the account (name, email, password), profile, mail consents,
  notifications, follows and saved searches, digest and personalisation settings, API tokens
  and remembered API
  requests, sessions, sign-in history and the admin's change messages are
  erased.
- Comments on public consultations are the commenter's own speech, not a
  public figure's record: they are erased with the account (and leave search,
  feeds, the API and the dumps through the change stream). Moderation and theme
  decisions and published responses stay without an author.
- A watcher has nothing else: nothing of theirs remains.
- A member's or official's public record stays, because it is the public
  record: the proposals a member signed and the ratings they gave stay on the
  member's public page (the member record is the public figure, not the
  account); what an office decided or an agency replied stays with the body or
  agency; suggestion decisions and reply drafts stay without an author; a
  member's statements on interest flags stay beside the flags (the member's
  public word), without the account.
- The audit log keeps every entry, with the actor's role and an anonymised
  label (`erased-<role>-<random>`, one per erased account so that its entries
  still read as one actor's) instead of the account.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import secrets
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianghui.core import events
from lianghui.core.models import AuditEntry
from lianghui.core.roles import Role, role_of

from .models import MailConsent

Rows = list[dict]


def _plain(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return getattr(value, "key", None) or str(value)
    return value


def _rows(queryset, fields: list[str]) -> Rows:
    return [{f: _plain(v) for f, v in row.items()} for row in queryset.values(*fields)]


# --- the tables -------------------------------------------------------------------------


def _account(user) -> Rows:
    return [
        {
            "id": user.pk,
            "username": user.get_username(),
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "is_active": user.is_active,
            "is_staff": user.is_staff,
            "is_superuser": user.is_superuser,
            "date_joined": _plain(user.date_joined),
            "last_login": _plain(user.last_login),
            # The hash itself is a secret, not information about the person.
            "has_password": user.has_usable_password(),
        }
    ]


def _groups(user) -> Rows:
    return [{"group": name} for name in user.groups.values_list("name", flat=True)]


def _permissions(user) -> Rows:
    return [
        {"permission": f"{app}.{code}"}
        for app, code in user.user_permissions.values_list("content_type__app_label", "codename")
    ]


def _profile(user) -> Rows:
    from .models import Profile

    return _rows(
        Profile.objects.filter(user=user),
        [
            "role",
            "body__key",
            "member__key",
            "member__name_zh",
            "member__name_en",
            "agency__key",
            "language",
        ],
    )


def _mail_consents(user) -> Rows:
    return _rows(
        MailConsent.objects.filter(user=user),
        ["kind", "granted_at", "how", "withdrawn_at", "withdrawn_how"],
    )


def _follows(user, *, searches: bool) -> Rows:
    from lianghui.following.models import Follow

    follows = Follow.objects.filter(user=user)
    follows = follows.filter(target="search") if searches else follows.exclude(target="search")
    return _rows(follows.order_by("created_at", "id"), ["target", "key", "label", "created_at"])


def _digest(user) -> Rows:
    from lianghui.following.models import DigestSetting

    return _rows(DigestSetting.objects.filter(user=user), ["frequency", "last_sent_on"])


def _notifications(user) -> Rows:
    from lianghui.notifications.models import Notification

    return _rows(
        Notification.objects.filter(user=user).order_by("created_at", "id"),
        [
            "kind",
            "proposal__key",
            "event",
            "text_en",
            "text_zh",
            "created_at",
            "read_at",
            "mail_state",
            "mailed_at",
        ],
    )


def _tokens(user) -> Rows:
    from lianghui.api.models import Token

    # Metadata only: the secret is never stored, and its hash would only help guess it.
    return _rows(
        Token.objects.filter(user=user).order_by("created", "id"),
        ["name", "prefix", "scope", "created", "last_used", "revoked"],
    )


def _api_requests(user) -> Rows:
    from lianghui.api.models import IdempotentRequest

    rows = _rows(
        IdempotentRequest.objects.filter(user=user).order_by("created", "id"),
        ["key", "request_hash", "status", "body", "created"],
    )
    for row in rows:
        row["body"] = json.dumps(row["body"], ensure_ascii=False) if row["body"] else ""
    return rows


def _admin_log(user) -> Rows:
    return _rows(
        LogEntry.objects.filter(user=user).order_by("action_time", "id"),
        [
            "action_time",
            "content_type__app_label",
            "content_type__model",
            "object_id",
            "object_repr",
            "action_flag",
            "change_message",
        ],
    )


def _audit(user) -> Rows:
    rows = _rows(
        AuditEntry.objects.filter(actor=user).order_by("at", "id"),
        [
            "at",
            "content_type__app_label",
            "content_type__model",
            "object_id",
            "action",
            "target",
            "field",
            "before",
            "after",
            "public",
        ],
    )
    for row in rows:
        for f in ("before", "after"):
            row[f] = json.dumps(row[f], ensure_ascii=False) if row[f] is not None else ""
    return rows


def _suggestion_decisions(user) -> Rows:
    from lianghui.insights.models import SuggestionDecision

    return _rows(
        SuggestionDecision.objects.filter(user=user).order_by("at", "id"),
        ["at", "proposal__key", "kind", "suggested", "decision", "chosen", "role"],
    )


def _link_decisions(user) -> Rows:
    from lianghui.laws.models import ProposalLink

    return _rows(
        ProposalLink.objects.filter(decided_by=user).order_by("decided_at", "id"),
        ["decided_at", "proposal__key", "regulation__key", "status"],
    )


def _personalisation(user) -> Rows:
    from .models import Personalisation

    return _rows(Personalisation.objects.filter(user=user), ["enabled", "changed_at"])


def _interest_statements(user) -> Rows:
    from lianghui.insights.models import InterestStatement

    return _rows(
        InterestStatement.objects.filter(user=user).order_by("updated_at", "id"),
        ["proposal__key", "member__key", "organization__key", "text", "updated_at"],
    )


def _reply_drafts(user) -> Rows:
    from lianghui.proposals.models import ReplyDraft

    return _rows(
        ReplyDraft.objects.filter(updated_by=user).order_by("updated_at", "id"),
        [
            "assignment__proposal__key",
            "assignment__agency__key",
            "category",
            "text_zh",
            "text_en",
            "updated_at",
        ],
    )


def _consultation_comments(user) -> Rows:
    from lianghui.consultations.models import Comment

    return _rows(
        Comment.objects.filter(author=user).order_by("created_at", "id"),
        [
            "consultation__key",
            "provision__number",
            "capacity",
            "organization_name",
            "text",
            "status",
            "hide_reason",
            "created_at",
            "edited_at",
            "withdrawn_at",
        ],
    )


def _comments_moderated(user) -> Rows:
    from lianghui.consultations.models import Comment

    return _rows(
        Comment.objects.filter(moderated_by=user).order_by("moderated_at", "id"),
        ["consultation__key", "id", "status", "hide_reason", "moderation_note", "moderated_at"],
    )


def _theme_decisions(user) -> Rows:
    from lianghui.consultations.models import ThemeDecision

    return _rows(
        ThemeDecision.objects.filter(user=user).order_by("at", "id"),
        ["at", "consultation__key", "theme_id", "action", "note"],
    )


def _consultation_responses(user) -> Rows:
    from lianghui.consultations.models import Response

    return _rows(
        Response.objects.filter(published_by=user).order_by("published_at", "id"),
        ["consultation__key", "published_at"],
    )


def _axes(model_name: str, fields: list[str]):
    def rows(user) -> Rows:
        from django.apps import apps

        model = apps.get_model("axes", model_name)
        found = model.objects.filter(username__iexact=user.get_username())
        return _rows(found.order_by("attempt_time", "id"), fields)

    return rows


_ACCESS = ["attempt_time", "ip_address", "user_agent", "path_info"]


def _sessions(user) -> Rows:
    return [{"expires": _plain(s.expire_date)} for s in _sessions_of(user)]


def _sessions_of(user) -> list[Session]:
    # Sessions keep the user's id inside their encoded data: no query can find them.
    mine = str(user.pk)
    return [s for s in Session.objects.iterator() if s.get_decoded().get("_auth_user_id") == mine]


def _member(user):
    profile = getattr(user, "profile", None)
    return profile.member if profile and profile.member_id else None


def _signed(user) -> Rows:
    from lianghui.proposals.models import Signer

    member = _member(user)
    if member is None:
        return []
    return _rows(
        Signer.objects.filter(member=member).order_by("proposal__key"),
        ["proposal__key", "proposal__title_zh", "proposal__title_en", "role", "confirmed"],
    )


def _ratings(user) -> Rows:
    from lianghui.proposals.models import Feedback

    member = _member(user)
    if member is None:
        return []
    found = Feedback.objects.filter(
        reply__assignment__proposal__signers__member=member,
        reply__assignment__proposal__signers__role="lead",
    )
    return _rows(
        found.order_by("reply__assignment__proposal__key", "reply_id"),
        [
            "reply__assignment__proposal__key",
            "reply__assignment__agency__key",
            "rating",
            "comment",
            "comment_public",
            "given_on",
        ],
    )


@dataclass(frozen=True)
class Table:
    name: str
    label: str
    rows: Callable[[object], Rows]
    # Relations to the user model ("app.Model.field") or models found by username
    # ("app.Model") that this table covers.
    covers: tuple[str, ...] = ()
    # Read in full for the archive and the erasure, not counted on the page: its cost
    # grows with the whole site (bench/mydata).
    costly: bool = False


TABLES: list[Table] = [
    Table("account", gettext_lazy("Account"), _account),
    Table("groups", gettext_lazy("Groups"), _groups, ("auth.User_groups.user",)),
    Table(
        "permissions",
        gettext_lazy("Permissions"),
        _permissions,
        ("auth.User_user_permissions.user",),
    ),
    Table("profile", gettext_lazy("Profile and role"), _profile, ("accounts.Profile.user",)),
    Table(
        "mail_consents",
        gettext_lazy("Mail consents"),
        _mail_consents,
        ("accounts.MailConsent.user",),
    ),
    Table(
        "follows",
        gettext_lazy("Follows"),
        lambda u: _follows(u, searches=False),
        ("following.Follow.user",),
    ),
    Table(
        "saved_searches",
        gettext_lazy("Saved searches"),
        lambda u: _follows(u, searches=True),
        ("following.Follow.user",),
    ),
    Table("digest", gettext_lazy("Digest setting"), _digest, ("following.DigestSetting.user",)),
    Table(
        "notifications",
        gettext_lazy("Notifications"),
        _notifications,
        ("notifications.Notification.user",),
    ),
    Table(
        "personalisation",
        gettext_lazy("Personalisation setting"),
        _personalisation,
        ("accounts.Personalisation.user",),
    ),
    Table("api_tokens", gettext_lazy("API tokens (metadata)"), _tokens, ("api.Token.user",)),
    Table(
        "api_requests",
        gettext_lazy("Remembered API requests"),
        _api_requests,
        ("api.IdempotentRequest.user",),
    ),
    Table("sessions", gettext_lazy("Open sessions"), _sessions, ("sessions.Session",), costly=True),
    Table(
        "sign_ins",
        gettext_lazy("Sign-in history"),
        _axes("AccessLog", [*_ACCESS, "logout_time"]),
        ("axes.AccessLog",),
    ),
    Table(
        "sign_in_failures",
        gettext_lazy("Failed sign-ins"),
        _axes("AccessFailureLog", [*_ACCESS, "locked_out"]),
        ("axes.AccessFailureLog",),
    ),
    Table(
        "sign_in_lockouts",
        gettext_lazy("Sign-in lockouts"),
        _axes("AccessAttempt", [*_ACCESS, "failures_since_start"]),
        ("axes.AccessAttempt", "axes.AccessAttemptExpiration"),
    ),
    Table(
        "staff_actions",
        gettext_lazy("Actions on the record (audit log)"),
        _audit,
        ("core.AuditEntry.actor",),
    ),
    Table("admin_log", gettext_lazy("Changes in the admin"), _admin_log, ("admin.LogEntry.user",)),
    Table(
        "suggestion_decisions",
        gettext_lazy("Decisions on suggestions"),
        _suggestion_decisions,
        ("insights.SuggestionDecision.user",),
    ),
    Table(
        "regulation_link_decisions",
        gettext_lazy("Decisions on links between proposals and regulations"),
        _link_decisions,
        ("laws.ProposalLink.decided_by",),
    ),
    Table(
        "reply_drafts",
        gettext_lazy("Reply drafts last edited"),
        _reply_drafts,
        ("proposals.ReplyDraft.updated_by",),
    ),
    Table(
        "interest_statements",
        gettext_lazy("Statements on interest flags"),
        _interest_statements,
        ("insights.InterestStatement.user",),
    ),
    Table(
        "consultation_comments",
        gettext_lazy("Comments on consultations"),
        _consultation_comments,
        ("consultations.Comment.author",),
    ),
    Table(
        "comments_moderated",
        gettext_lazy("Consultation comments you moderated"),
        _comments_moderated,
        ("consultations.Comment.moderated_by",),
    ),
    Table(
        "theme_decisions",
        gettext_lazy("Decisions on comment themes"),
        _theme_decisions,
        ("consultations.ThemeDecision.user",),
    ),
    Table(
        "consultation_responses",
        gettext_lazy("Consultation responses published"),
        _consultation_responses,
        ("consultations.Response.published_by",),
    ),
    Table("proposals_signed", gettext_lazy("Proposals signed"), _signed),
    Table("ratings_given", gettext_lazy("Ratings given"), _ratings),
]

# Relations to the user model that hold nothing about the person, with the reason.
NOT_PERSONAL: dict[str, str] = {}


def summary(user) -> list[tuple[str, str, int | None]]:
    """(name, label, rows) of every table, for the page; rows is None for a table
    too costly to read on every page view (it is in the archive)."""
    return [(t.name, str(t.label), None if t.costly else len(t.rows(user))) for t in TABLES]


def archive(user) -> bytes:
    """A zip of everything held about ``user``: data.json (every table) and one CSV
    per table (UTF-8 with a byte-order mark, so spreadsheets read Chinese)."""
    tables = {t.name: t.rows(user) for t in TABLES}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        document = {
            "generated_at": timezone.now().isoformat(),
            "retention": [str(line) for line in retention(user)],
            "tables": tables,
        }
        zf.writestr("data.json", json.dumps(document, ensure_ascii=False, indent=2))
        for name, rows in tables.items():
            buffer = io.StringIO()
            buffer.write("\ufeff")
            fields = list(rows[0]) if rows else []
            writer = csv.DictWriter(buffer, fieldnames=fields)
            writer.writeheader()
            for row in rows:
                writer.writerow({k: "" if v is None else v for k, v in row.items()})
            zf.writestr(f"{name}.csv", buffer.getvalue())
    return out.getvalue()


# --- correcting -------------------------------------------------------------------------

EDITABLE = ("first_name", "last_name", "email")


@transaction.atomic
def profile_update(*, user, first_name: str, last_name: str, email: str):
    """Correct the person's own name and email. Role and what it attaches to are
    set by administrators."""
    first_name, last_name, email = (v.strip() for v in (first_name, last_name, email))
    errors = {}
    if len(first_name) > 150:
        errors["first_name"] = _("At most 150 characters.")
    if len(last_name) > 150:
        errors["last_name"] = _("At most 150 characters.")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Enter a valid email address.")
    if errors:
        raise ValidationError(errors)
    user.first_name, user.last_name, user.email = first_name, last_name, email
    user.save(update_fields=list(EDITABLE))
    return user


@transaction.atomic
def email_language_set(*, user, language: str):
    """The language of the person's emails ("" for the working language of the body
    whose record an email is about). Only accounts with a role have a profile to
    keep it; a watcher's emails (digests) follow the site's language."""
    from django.conf import settings

    from .models import Profile

    if language and language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose one of the site's languages.")})
    Profile.objects.filter(user=user).update(language=language)
    return user


# --- erasing ----------------------------------------------------------------------------


def retention(user) -> list[str]:
    """What deleting ``user``'s account erases and what stays, in their words."""
    role = role_of(user)
    lines = [
        _(
            "Erased: your account (name, email, password), profile, mail consents, "
            "notifications, follows, saved searches, digest and personalisation settings, "
            "API tokens, sessions and sign-in history."
        )
    ]
    from lianghui.consultations.models import Comment

    if Comment.objects.filter(author=user).exists():
        lines.append(
            _(
                "Erased: your comments on public consultations, published or not; they "
                "leave the site, search, feeds, the API and the downloads."
            )
        )
    if role == Role.MEMBER:
        lines.append(
            _(
                "Stays, as the public record: the proposals you signed and the ratings "
                "you gave, on your member page. The member record is the public "
                "figure, not your account."
            )
        )
        lines.append(
            _(
                "Your statements on interest flags stay beside the flags, as the "
                "member's public word, no longer linked to your account."
            )
        )
    elif role in {Role.OFFICE, Role.AGENCY, Role.SUPERVISOR, Role.ADMIN}:
        lines.append(
            _(
                "Stays, as the public record: what you decided, assigned or replied "
                "stays with the body or agency you acted for."
            )
        )
    if AuditEntry.objects.filter(actor=user).exists() or role != Role.WATCHER:
        lines.append(
            _(
                "The audit log keeps each of its entries with your role and an "
                "anonymous label instead of your name."
            )
        )
    else:
        lines.append(_("Nothing else of yours remains."))
    return lines


def anonymous_label(role: str | None) -> str:
    return f"erased-{role or Role.WATCHER}-{secrets.token_hex(4)}"


@transaction.atomic
def erase(*, user) -> dict[str, int]:
    """Delete ``user``'s account under the retention rule above, in one transaction;
    returns how many rows of each kind went or were anonymised."""
    User = get_user_model()
    user = User.objects.select_for_update().get(pk=user.pk)
    role = role_of(user)
    if (
        user.is_superuser
        and not User.objects.filter(is_superuser=True, is_active=True).exclude(pk=user.pk).exists()
    ):
        raise ValidationError(
            _("You are the last administrator: make someone else one before leaving.")
        )
    done: dict[str, int] = {}
    # AuditEntry is append-only through save(); this is the one rewrite the law asks for.
    done["audit entries anonymised"] = AuditEntry.objects.filter(actor=user).update(
        actor=None, actor_label=anonymous_label(role)
    )
    sessions = _sessions_of(user)
    done["sessions"] = Session.objects.filter(
        session_key__in=[s.session_key for s in sessions]
    ).delete()[0]
    from django.apps import apps

    for name in ("AccessLog", "AccessFailureLog", "AccessAttempt"):
        model = apps.get_model("axes", name)
        done[f"axes {name}"] = model.objects.filter(username__iexact=user.get_username()).delete()[
            0
        ]
    # The account row last: its cascades take the profile, consents, notifications,
    # follows, digest and personalisation settings, tokens, remembered requests,
    # admin log and consultation comments (each reports its removal to the change
    # stream, so derived copies drop it); suggestion and theme decisions,
    # moderations, reply drafts and statements on interest flags lose their author
    # (SET_NULL) and stay.
    pk = user.pk
    deleted, detail = user.delete()
    done.update({label: n for label, n in detail.items() if n})
    # Derived copies (caches keyed by the data version, feeds, the index) learn at
    # commit that this account is gone.
    events.changed("auth.User", [pk])
    return done
