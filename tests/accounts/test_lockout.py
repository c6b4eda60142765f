import pytest

pytestmark = pytest.mark.django_db


def test_repeated_failed_logins_lock_the_account(accounts, client):
    for _ in range(5):
        r = client.post("/accounts/login/", {"username": "m", "password": "wrong"})
    r = client.post("/accounts/login/", {"username": "m", "password": "x"})
    assert r.status_code == 429
    assert "Too many failed sign-in attempts" in r.content.decode()


def test_a_good_login_lands_on_the_desk(accounts, client):
    r = client.post("/accounts/login/", {"username": "m", "password": "x"}, follow=True)
    assert r.redirect_chain[-1][0] == "/desk/member/"
