"""Password reset by email (Django's views, in both languages) and invitations:
an administrator (admin page or `lianghui accounts`) creates an account with a
role, and its user chooses a password through the emailed link."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from lianghui.accounts.models import Profile

pytestmark = pytest.mark.django_db

PASSWORD = "a-Long-enough-pass-2026"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Mail goes once the account is committed: run what a commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _link(message) -> str:
    return re.search(r"https?://\S+/accounts/reset/\S+/", message.body).group(0)


def _choose_password(client, link: str, password: str = PASSWORD):
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    form = client.get(path, follow=True)
    assert form.status_code == 200 and form.context["validlink"], form.content
    url = form.redirect_chain[-1][0]
    return client.post(url, {"new_password1": password, "new_password2": password})


def test_a_forgotten_password_is_reset_through_the_emailed_link(accounts, client):
    user = accounts["agency"]  # a@example.org
    login = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/password-reset/"' in login
    sent = client.post("/accounts/password-reset/", {"email": "a@example.org"})
    assert sent.status_code == 302 and sent["Location"] == "/accounts/password-reset/sent/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["a@example.org"]
    done = _choose_password(client, _link(mail.outbox[0]))
    assert done.status_code == 302 and done["Location"] == "/accounts/reset/done/"
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    # The link works once.
    again = client.get("/" + _link(mail.outbox[0]).split("/", 3)[3], follow=True)
    assert "does not work any more" in again.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_email(accounts, client):
    sent = client.post("/accounts/password-reset/", {"email": "nobody@example.org"})
    assert sent.status_code == 302 and sent["Location"] == "/accounts/password-reset/sent/"
    assert mail.outbox == []


def test_the_reset_pages_and_email_speak_chinese(accounts, client):
    client.cookies["django_language"] = "zh-hans"
    page = client.get("/accounts/password-reset/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "忘记密码" in page.content.decode()
    client.post(
        "/accounts/password-reset/", {"email": "a@example.org"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert "新密码" in mail.outbox[0].subject
    assert "新密码" in mail.outbox[0].body


def test_an_invited_user_chooses_a_password_and_signs_in(small_world, client, settings, committed):
    settings.LIANGHUI_BASE_URL = "https://lianghui.example.org"
    with committed():
        call_command(
            "accounts", "invite", "newoffice", "--email", "o@example.org", "--role", "office",
            "--body", "npc",
        )  # fmt: skip
    user = get_user_model().objects.get(username="newoffice")
    assert user.profile.role == "office" and user.profile.body.key == "npc"
    assert not user.has_usable_password()
    (message,) = mail.outbox
    assert message.to == ["o@example.org"] and "newoffice" in message.body
    link = _link(message)
    assert link.startswith("https://lianghui.example.org/accounts/reset/")
    # Nobody signs in before the password is chosen.
    refused = client.post("/accounts/login/", {"username": "newoffice", "password": ""})
    assert refused.status_code == 200
    assert _choose_password(client, link).status_code == 302
    signed_in = client.post("/accounts/login/", {"username": "newoffice", "password": PASSWORD})
    assert signed_in.status_code == 302 and signed_in["Location"] == "/desk/"


def test_an_invitation_in_chinese(small_world, committed):
    with committed():
        call_command(
            "accounts", "invite", "m9", "--email", "m9@example.org", "--role", "member",
            "--member", "deputy-a", "--language", "zh-hans",
        )  # fmt: skip
    assert "账户" in mail.outbox[0].subject and "密码" in mail.outbox[0].body


def test_an_invitation_that_breaks_a_rule_creates_nothing_and_sends_nothing(small_world, committed):
    with committed(), pytest.raises(CommandError, match="member"):
        call_command("accounts", "invite", "x", "--email", "x@example.org", "--role", "member")
    with committed(), pytest.raises(CommandError, match="email"):
        call_command("accounts", "invite", "x", "--email", "not-an-address", "--role", "watcher")
    assert not get_user_model().objects.filter(username="x").exists()
    assert mail.outbox == []


def test_a_bodys_role_accounts_in_one_command(small_world, capsys, committed):
    with committed():
        call_command(
            "accounts", "body", "cppcc", "--office", "o@example.org", "--supervisor",
            "s@example.org",
        )  # fmt: skip
    roles = dict(Profile.objects.filter(body__key="cppcc").values_list("user__username", "role"))
    assert roles == {"office-cppcc": "office", "supervisor-cppcc": "supervisor"}
    assert sorted(m.to[0] for m in mail.outbox) == ["o@example.org", "s@example.org"]
    call_command("accounts", "list", "--body", "cppcc")
    listing = capsys.readouterr().out
    assert "office-cppcc\toffice\tcppcc\to@example.org\tinvited" in listing


def test_the_admin_invites_through_the_same_service(accounts, client_for, committed):
    admin = client_for(accounts["admin"])
    changelist = admin.get("/admin/accounts/profile/").content.decode()
    assert 'href="/admin/accounts/profile/invite/"' in changelist
    with committed():
        page = admin.post(
            "/admin/accounts/profile/invite/",
            {
                "username": "newagent",
                "email": "n@example.org",
                "role": "agency",
                "agency": "miit",
                "language": "en",
            },
        )
    assert page.status_code == 302, page.content.decode()[:2000]
    user = get_user_model().objects.get(username="newagent")
    assert user.profile.agency.key == "miit" and not user.has_usable_password()
    assert mail.outbox[-1].to == ["n@example.org"]
    assert _link(mail.outbox[-1]).startswith("http://testserver/accounts/reset/")
    # A role without what it needs is refused on the form.
    refused = admin.post(
        "/admin/accounts/profile/invite/",
        {"username": "x", "email": "x@example.org", "role": "office", "language": "en"},
    )
    assert refused.status_code == 200 and "choose it" in refused.content.decode()
    # Only administrators reach the page.
    assert client_for(accounts["office"]).get("/admin/accounts/profile/invite/").status_code in {
        302,
        403,
    }


def test_the_admin_action_sends_a_new_link(accounts, client_for, committed):
    profile = Profile.objects.get(user=accounts["agency"])
    with committed():
        response = client_for(accounts["admin"]).post(
            "/admin/accounts/profile/",
            {"action": "resend_invitation", "_selected_action": [profile.pk]},
        )
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["a@example.org"]


def test_the_reset_form_cannot_flood_a_mailbox(accounts, client, settings):
    settings.LIANGHUI_PASSWORD_RESET_LIMITS = {"mailbox": 2, "client": 100}
    answers = [
        client.post("/accounts/password-reset/", {"email": "a@example.org"})["Location"]
        for _ in range(4)
    ]
    assert set(answers) == {"/accounts/password-reset/sent/"}
    assert len(mail.outbox) == 2
    # The mailbox's owner, elsewhere, is not locked out of a reset.
    client.post("/accounts/password-reset/", {"email": "a@example.org"}, REMOTE_ADDR="192.0.2.8")
    assert len(mail.outbox) == 3


def test_one_client_cannot_ask_for_many_mailboxes(accounts, client, settings):
    settings.LIANGHUI_PASSWORD_RESET_LIMITS = {"mailbox": 100, "client": 1}
    accounts["office"].email = "o@example.org"
    accounts["office"].save()
    client.post("/accounts/password-reset/", {"email": "a@example.org"})
    client.post("/accounts/password-reset/", {"email": "o@example.org"})
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    # Another client still can.
    client.post("/accounts/password-reset/", {"email": "o@example.org"}, REMOTE_ADDR="192.0.2.8")
    assert len(mail.outbox) == 2
