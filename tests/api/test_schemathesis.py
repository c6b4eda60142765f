"""Schemathesis against the OpenAPI document on a live server, anonymously and
as each role: no 5xx, every response as documented. Examples are bounded."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.generation.meta import TestPhase
from schemathesis.specs.openapi.checks import positive_data_acceptance

from lianghui.api.tokens.services import token_create

ROLES = ["anonymous", "member", "office", "agency", "admin"]


@pytest.fixture
def api_schema(transactional_db, live_server, small_world, accounts, settings_overrides):
    return schemathesis.openapi.from_url(f"{live_server.url}/api/v1/schema/?format=json")


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
def test_api(case, live_server, accounts):
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
            base_url=live_server.url,
            headers=headers[role],
            excluded_checks=[positive_data_acceptance],
        )
