"""/api/v1/me/: the same rights through the API, with a personal token."""

import io
import json
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from lianghui.accounts.models import MailConsent
from lianghui.accounts.services import account_create
from lianghui.api.tokens.services import token_create
from lianghui.people.models import Organization

pytestmark = pytest.mark.django_db
PASSWORD = "a-Long-enough-pass-2026"


@pytest.fixture
def watcher(small_world):
    return account_create(username="w", password=PASSWORD, role="watcher", email="w@example.org")


def bearer(user, scope="write"):
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user, name='t', scope=scope)[1]}"}


def test_read_and_correct_the_profile(watcher, django_assert_max_num_queries):
    auth = bearer(watcher)
    c = Client()
    with django_assert_max_num_queries(8):
        me = c.get("/api/v1/me/", **auth)
    assert me.status_code == 200
    body = me.json()
    assert body["username"] == "w" and body["role"] == "watcher"
    assert {p["kind"] for p in body["mail"]} == {"digests", "notifications"}
    assert not any(p["consent"] for p in body["mail"])
    assert body["retention"]
    changed = c.patch(
        "/api/v1/me/", json.dumps({"first_name": "林"}), content_type="application/json", **auth
    )
    assert changed.status_code == 200 and changed.json()["first_name"] == "林"
    assert changed.json()["email"] == "w@example.org"  # fields not sent stay
    bad = c.patch(
        "/api/v1/me/", json.dumps({"email": "nope"}), content_type="application/json", **auth
    )
    assert bad.status_code == 400 and "email" in bad.json()["errors"]
    assert Client().get("/api/v1/me/").status_code in {401, 403}


def test_download_the_archive(watcher):
    response = Client().get("/api/v1/me/archive/", **bearer(watcher, scope="read"))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    data = json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("data.json"))
    assert data["tables"]["account"][0]["username"] == "w"
    assert data["tables"]["api_tokens"][0]["scope"] == "read"


def test_consent_through_the_api_is_recorded_as_such(watcher):
    c, auth = Client(), bearer(watcher)
    post = lambda body: c.post(  # noqa: E731
        "/api/v1/me/mail/", json.dumps(body), content_type="application/json", **auth
    )
    assert post({"kind": "digests", "consent": True}).status_code == 200
    given = MailConsent.objects.get(user=watcher, kind="digests")
    assert given.how == "api" and given.withdrawn_at is None
    assert post({"kind": "digests", "consent": False}).status_code == 200
    given.refresh_from_db()
    assert given.withdrawn_at and given.withdrawn_how == "api"
    assert post({"kind": "reminders", "consent": True}).status_code == 400  # not for a watcher
    assert post({"kind": "spam", "consent": True}).status_code == 400


def test_an_agency_officer_cannot_withdraw_mandatory_reminders(small_world):
    officer = account_create(
        username="a",
        password=PASSWORD,
        role="agency",
        email="a@example.org",
        agency=Organization.objects.get(key="miit"),
    )
    refused = Client().post(
        "/api/v1/me/mail/",
        json.dumps({"kind": "reminders", "consent": False}),
        content_type="application/json",
        **bearer(officer),
    )
    assert refused.status_code == 400
    assert MailConsent.objects.get(user=officer, kind="reminders").withdrawn_at is None


def test_delete_the_account_with_the_password(watcher):
    c, auth = Client(), bearer(watcher)
    erase = lambda password: c.post(  # noqa: E731
        "/api/v1/me/erase/",
        json.dumps({"password": password}),
        content_type="application/json",
        **auth,
    )
    assert erase("wrong").status_code == 400
    assert get_user_model().objects.filter(username="w").exists()
    assert erase(PASSWORD).status_code == 204
    assert not get_user_model().objects.filter(username="w").exists()
    assert c.get("/api/v1/me/", **auth).status_code == 401  # its token went with it


def test_a_read_only_token_cannot_delete(watcher):
    response = Client().post(
        "/api/v1/me/erase/",
        json.dumps({"password": PASSWORD}),
        content_type="application/json",
        **bearer(watcher, scope="read"),
    )
    assert response.status_code == 403
    assert get_user_model().objects.filter(username="w").exists()


def test_the_endpoints_are_documented():
    schema = Client().get("/api/v1/schema/?format=json").json()
    for path in ("/api/v1/me/", "/api/v1/me/archive/", "/api/v1/me/mail/", "/api/v1/me/erase/"):
        assert path in schema["paths"], path
