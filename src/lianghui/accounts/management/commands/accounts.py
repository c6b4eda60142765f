from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from lianghui.accounts import services
from lianghui.accounts.enums import Role
from lianghui.accounts.models import Profile
from lianghui.people.models import Member, Organization
from lianghui.proposals.models import Body


class Command(BaseCommand):
    help = (
        "Accounts: invite a user (the account is created with its role and a set-password"
        " link is emailed), send a new link, open a body's office and supervisor accounts,"
        " list accounts."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        invite = sub.add_parser("invite", help="Create an account and email a set-password link.")
        invite.add_argument("username")
        invite.add_argument("--email", required=True)
        invite.add_argument("--role", required=True, choices=Role.values)
        invite.add_argument("--body", help="Body key (office staff, supervisors).")
        invite.add_argument("--member", help="Member key (members).")
        invite.add_argument("--agency", help="Agency key (agency officers).")
        invite.add_argument("--language", help="Of the email (default: the site's).")
        resend = sub.add_parser("resend", help="Email a new set-password link.")
        resend.add_argument("username")
        resend.add_argument("--language")
        body = sub.add_parser(
            "body",
            help="Invite a body's role accounts, office-<body> and supervisor-<body>.",
        )
        body.add_argument("body", help="Body key, e.g. npc.")
        body.add_argument("--office", metavar="EMAIL", help="Email of the office account.")
        body.add_argument("--supervisor", metavar="EMAIL", help="Email of the supervisor.")
        body.add_argument("--language")
        listing = sub.add_parser("list", help="Accounts with their roles.")
        listing.add_argument("--body", help="Only this body's.")
        listing.add_argument("--role", choices=Role.values)

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None

    def _invite(self, *, username, email, role, body, member, agency, language, **_):
        user = services.account_invite(
            username=username,
            email=email,
            role=role,
            body=self._get(Body, body, "body"),
            member=self._get(Member, member, "member"),
            agency=self._get(Organization, agency, "agency"),
            language=language,
        )
        self.stdout.write(f"invited {user.username} ({role}); a set-password link went to {email}")

    def _resend(self, *, username, language, **_):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user {username!r}.") from None
        services.account_resend_invitation(user=user, language=language)
        self.stdout.write(f"a new set-password link went to {user.email}")

    def _body(self, *, body, office, supervisor, language, **_):
        found = self._get(Body, body, "body")
        wanted = [(Role.OFFICE, office), (Role.SUPERVISOR, supervisor)]
        if not any(email for _role, email in wanted):
            raise CommandError("Give --office EMAIL and/or --supervisor EMAIL.")
        for role, email in wanted:
            if email:
                username = f"{role}-{found.key}"
                services.account_invite(
                    username=username, email=email, role=role, body=found, language=language
                )
                self.stdout.write(f"invited {username} ({role}); a link went to {email}")

    def _list(self, *, body, role, **_):
        rows = Profile.objects.select_related("user", "body", "member", "agency").order_by(
            "role", "user__username"
        )
        if body:
            rows = rows.filter(body__key=body)
        if role:
            rows = rows.filter(role=role)
        for p in rows:
            attached = p.body or p.member or p.agency
            state = "active" if p.user.has_usable_password() else "invited"
            self.stdout.write(
                f"{p.user.username}\t{p.role}\t{getattr(attached, 'key', '-')}\t"
                f"{p.user.email or '-'}\t{state if p.user.is_active else 'inactive'}"
            )

    def _get(self, model, key, what):
        if not key:
            return None
        try:
            return model.objects.get(key=key)
        except model.DoesNotExist:
            raise CommandError(f"No {what} {key!r}.") from None
