from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from lianghui.api.models import Token, TokenScope
from lianghui.api.tokens.services import token_create, token_list, token_revoke


class Command(BaseCommand):
    help = "API tokens: create (the secret is printed once), list, revoke."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token for a user; prints the secret.")
        create.add_argument("username")
        create.add_argument("--name", required=True, help="What the token is for.")
        create.add_argument(
            "--scope",
            choices=TokenScope.values,
            default=TokenScope.READ,
            help="read (the default): reads only, every write refused; write: reads and writes.",
        )
        listing = sub.add_parser("list", help="List tokens (never their secrets).")
        listing.add_argument("username", nargs="?")
        revoke = sub.add_parser("revoke", help="Revoke a token by its id (see list).")
        revoke.add_argument("id", type=int)

    def handle(self, *args, action, **options):
        if action == "create":
            user = self._user(options["username"])
            try:
                token, secret = token_create(
                    user=user, name=options["name"], scope=options["scope"]
                )
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
            self.stderr.write(
                f"token {token.pk} for {user.username} ({token.scope});"
                " the secret is shown only now:"
            )
            self.stdout.write(secret)
        elif action == "list":
            user = self._user(options["username"]) if options.get("username") else None
            for t in token_list(user=user):
                state = f"revoked {t.revoked:%Y-%m-%d %H:%M}" if t.revoked else "active"
                used = f"{t.last_used:%Y-%m-%d %H:%M}" if t.last_used else "never"
                self.stdout.write(
                    f"{t.pk}\t{t.user.username}\t{t.prefix}…\t{t.scope}\t{t.name}\t"
                    f"created {t.created:%Y-%m-%d %H:%M}\tlast used {used}\t{state}"
                )
        else:
            try:
                token = Token.objects.get(pk=options["id"])
            except Token.DoesNotExist:
                raise CommandError(f"No token {options['id']}.") from None
            token_revoke(token=token)
            self.stdout.write(f"revoked token {token.pk} ({token.name})")

    def _user(self, username):
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user {username!r}.") from None
