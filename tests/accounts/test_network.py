"""Lockout and rate limits count the real client: X-Forwarded-For is believed only
from a trusted proxy, so nobody can lock a victim out by naming the victim's
address, nor escape a limit by naming a fresh one each time."""

import pytest
from django.test import RequestFactory

from lianghui.accounts.network import client_ip

PROXY = "10.0.0.2"


def _ip(remote, xff=None):
    meta = {"REMOTE_ADDR": remote}
    if xff is not None:
        meta["HTTP_X_FORWARDED_FOR"] = xff
    return client_ip(RequestFactory().get("/", **meta))


def test_forwarded_for_is_ignored_without_trusted_proxies(settings):
    settings.LIANGHUI_TRUSTED_PROXIES = []
    assert _ip("203.0.113.5", "198.51.100.1") == "203.0.113.5"


def test_forwarded_for_is_ignored_from_an_untrusted_peer(settings):
    settings.LIANGHUI_TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert _ip("203.0.113.5", "198.51.100.1") == "203.0.113.5"


def test_a_trusted_proxy_names_the_client(settings):
    settings.LIANGHUI_TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert _ip(PROXY, "198.51.100.1") == "198.51.100.1"


def test_what_the_client_wrote_before_the_proxy_hop_is_not_believed(settings):
    # The client sent "X-Forwarded-For: 192.0.2.66" itself; the proxy appended the
    # address it saw. Only the proxy's entry counts.
    settings.LIANGHUI_TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert _ip(PROXY, "192.0.2.66, 198.51.100.1") == "198.51.100.1"


def test_a_chain_of_trusted_proxies_is_walked_from_the_right(settings):
    settings.LIANGHUI_TRUSTED_PROXIES = ["10.0.0.0/24", "172.16.0.9"]
    assert _ip(PROXY, "192.0.2.66, 198.51.100.1, 172.16.0.9") == "198.51.100.1"


def test_garbage_in_the_header_stops_at_the_last_trusted_hop(settings):
    settings.LIANGHUI_TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert _ip(PROXY, "198.51.100.1, not-an-address") == PROXY
    assert _ip(PROXY, "") == PROXY
    assert _ip("2001:db8::1", "198.51.100.1") == "2001:db8::1"


@pytest.mark.django_db
def test_failed_logins_through_a_proxy_lock_only_the_attacker(accounts, client, settings):
    """Before: the lockout counted the proxy's address, so five wrong passwords from
    anyone locked the account for every user behind the proxy."""
    settings.LIANGHUI_TRUSTED_PROXIES = ["10.0.0.0/24"]
    attacker = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.66"}
    for _ in range(6):
        client.post("/accounts/login/", {"username": "m", "password": "wrong"}, **attacker)
    locked = client.post("/accounts/login/", {"username": "m", "password": "x"}, **attacker)
    assert locked.status_code == 429
    victim = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    ok = client.post("/accounts/login/", {"username": "m", "password": "x"}, **victim)
    assert ok.status_code == 302


@pytest.mark.django_db
def test_a_forged_header_cannot_lock_out_the_address_it_names(accounts, client, settings):
    settings.LIANGHUI_TRUSTED_PROXIES = []
    forged = {"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    for _ in range(6):
        client.post("/accounts/login/", {"username": "m", "password": "wrong"}, **forged)
    victim = {"REMOTE_ADDR": "198.51.100.7"}
    ok = client.post("/accounts/login/", {"username": "m", "password": "x"}, **victim)
    assert ok.status_code == 302


@pytest.mark.django_db
def test_api_rate_limit_cannot_be_dodged_with_a_forged_header(small_world, client, settings):
    """DRF's own rule took any X-Forwarded-For as the client: a fresh value each
    time gave a fresh allowance."""
    settings.LIANGHUI_TRUSTED_PROXIES = []
    settings.LIANGHUI_API_RATES = {"anonymous": "2/min", "token": "100/min", "write": "100/min"}
    codes = [
        client.get(
            "/api/v1/bodies/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}"
        ).status_code
        for i in range(3)
    ]
    assert codes == [200, 200, 429]


@pytest.mark.django_db
def test_api_rate_limit_counts_clients_behind_a_trusted_proxy_apart(small_world, client, settings):
    settings.LIANGHUI_TRUSTED_PROXIES = ["10.0.0.0/24"]
    settings.LIANGHUI_API_RATES = {"anonymous": "1/min", "token": "100/min", "write": "100/min"}

    def get(who):
        return client.get(
            "/api/v1/bodies/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=who
        ).status_code

    assert [get("198.51.100.1"), get("198.51.100.1"), get("198.51.100.2")] == [200, 429, 200]
