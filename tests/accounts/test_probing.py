"""A record one may not see answers exactly as a record that does not exist, on
every desk, account and API address that takes a key or an id: nobody can
probe which keys exist by telling "forbidden" from "not found".

The addresses are found by walking the URL patterns, not listed by hand."""

import re

import pytest
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from lianghui.api.tokens.services import token_create
from lianghui.proposals.models import Proposal
from tests.factories import ProposalFactory

from ..api import scenarios as sc

pytestmark = pytest.mark.django_db

# Where another person's records could be named; the admin is for administrators.
PREFIXES = ("desk/", "api/v1/", "proposals/", "following/", "feeds/")
MISSING_ID = 987_654_321
# Values for the parameters that choose a step rather than a record.
CHOICES = {
    "action": ["edit", "submit", "withdraw", "confirm", "apply", "dismiss"],
    "kind": ["topic", "agency", "duplicate"],
}
PROBERS = ["member", "other_office", "other_agency", "supervisor", "watcher"]


def _patterns(patterns=None, prefix="", namespace=""):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}{entry.namespace}:"
            yield from _patterns(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name:
            route = prefix + str(entry.pattern)
            if route.lstrip("^").startswith(PREFIXES):
                yield f"{namespace}{entry.name}", route, entry.pattern.regex.groupindex


@pytest.fixture
def secrets(accounts):
    """Records none of the probers may see: another member's draft, and an
    unpublished proposal of the NPC with an assignment and a reply."""
    draft = sc.draft("probe-draft", lead="deputy-b")
    replied = ProposalFactory(
        key="probe-replied",
        lead_member="deputy-b",
        status="replied",
        category="B",
        **dict.fromkeys(("submitted_on", "filed_on", "assigned_on", "replied_on"), sc.DAY),
    )
    assignment = replied.assignments.get()
    Proposal.objects.filter(pk=replied.pk).update(published=False)
    token, _secret = token_create(user=accounts["admin"], name="admin's")
    return {
        "drafts": draft.key,
        "proposals": replied.key,
        "assignment": assignment.pk,
        "reply": assignment.replies.get().pk,
        "token": token.pk,
    }


def _values(route: str, name: str, secret: dict, missing: bool):
    """Candidate kwargs for the record-naming parameter of a route."""
    if name == "key":
        if re.search(r"replies|feedback", route):
            suffixes = [".a1.r1", ".a1", ""]
        elif "assignments" in route:
            suffixes = [".a1", ".a1.r1", ""]
        else:
            suffixes = ["", ".a1", ".a1.r1"]
        bases = ["no-such-record"] if missing else [secret["drafts"], secret["proposals"]]
        return [base + suffix for base in bases for suffix in suffixes]
    if name in {"reply_id", "assignment_id", "token_id"}:
        which = {"reply_id": "reply", "assignment_id": "assignment", "token_id": "token"}[name]
        return [MISSING_ID if missing else secret[which]]
    return None


def _urls(secret):
    """(route, secret url, missing url) for every route naming a record."""
    for name, route, groups in _patterns():
        params = [g for g in groups if g not in CHOICES]
        if not params or any(_values(route, p, secret, False) is None for p in params):
            continue
        choices = [{}]
        for choice in (g for g in groups if g in CHOICES):
            choices = [c | {choice: v} for c in choices for v in CHOICES[choice]]
        (param,) = params
        pairs = zip(
            _values(route, param, secret, False),
            _values(route, param, secret, True) * 6,
            strict=False,
        )
        for value, missing in pairs:
            for extra in choices:
                try:
                    yield (
                        route,
                        reverse(name, kwargs={param: value} | extra),
                        reverse(name, kwargs={param: missing} | extra),
                    )
                except NoReverseMatch:
                    continue


def test_the_walk_reaches_the_desk_account_and_api_addresses(accounts, secrets):
    routes = {route for route, _s, _m in _urls(secrets)}
    for needle in (
        "member/<slug:key>/edit/",
        "member/<slug:key>/<slug:action>/",
        "replies/<int:reply_id>/rate/",
        "office/proposals/<slug:key>/",
        "suggestions/<slug:kind>/<slug:action>/",
        "agency/assignments/<int:assignment_id>/",
        "<int:token_id>/revoke/",
        "proposals/(?P<key>",
        "assignments/(?P<key>",
        "replies/(?P<key>",
        "feedback/(?P<key>",
    ):
        assert any(needle in route for route in routes), needle


@pytest.mark.parametrize("role", PROBERS)
def test_a_record_one_may_not_see_answers_as_a_missing_one(accounts, secrets, role):
    """Before: a member editing or submitting another member's draft, or rating a
    reply to a proposal not theirs, got 403 where a missing key got 404; so did an
    office of another body on the suggestion buttons."""
    client = Client(raise_request_exception=False)
    client.force_login(accounts[role])
    differing = []
    for _route, secret_url, missing_url in _urls(secrets):
        for method in ("get", "post"):
            seen = getattr(client, method)(secret_url).status_code
            absent = getattr(client, method)(missing_url).status_code
            if seen != absent:
                differing.append(f"{method.upper()} {secret_url}: {seen}, missing {absent}")
    assert differing == []
