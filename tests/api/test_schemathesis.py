"""Schemathesis against the OpenAPI document, anonymously and as each role: no
5xx, every response as documented. Examples are bounded. Requests go to the WSGI
application in this process, inside the test's transaction: a live server would
need the database emptied and the world imported again for each operation."""

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.generation.meta import TestPhase
from schemathesis.specs.openapi.checks import positive_data_acceptance

from lianghui.api.tokens.services import token_create

ROLES = ["anonymous", "member", "office", "agency", "admin"]


@pytest.fixture
def in_process():
    """A request must not close the test's connection when it finishes (Django's
    test client does the same)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(db, in_process, small_world, accounts, settings_overrides):
    return schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", WSGIHandler())


@pytest.fixture
def settings_overrides(settings):
    settings.ALLOWED_HOSTS = ["*"]


schema = schemathesis.pytest.from_fixture("api_schema")


def _roles(case) -> list[str]:
    """Who sends the case. The coverage phase's boundary values (nine cases in ten)
    test what the parameters accept, which a read answers the same for every
    signed-in role: a read's are sent anonymously and as the admin. A write's go
    to every role, since only the role it is for gets past the permission check
    to the validation; the fuzzing phase's cases go to every role too."""
    if case.method.upper() == "GET" and case.meta and case.meta.phase.name == TestPhase.COVERAGE:
        return ["anonymous", "admin"]
    return ROLES


@schema.parametrize()
@settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api(case, accounts):
    headers = {"anonymous": {}}
    for role in ROLES[1:]:
        secret = getattr(accounts[role], "_api_secret", None)
        if secret is None:
            secret = token_create(user=accounts[role], name="schemathesis")[1]
            accounts[role]._api_secret = secret
        headers[role] = {"Authorization": f"Bearer {secret}"}
    for role in _roles(case):
        # Keys, cursors and references are opaque strings the document cannot
        # constrain further, so a well-formed value may still be refused (400/404):
        # positive_data_acceptance does not apply; every other check does.
        case.call_and_validate(
            headers=headers[role],
            excluded_checks=[positive_data_acceptance],
        )
