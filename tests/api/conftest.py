import json

import pytest
import requests
import schemathesis
from django.core.cache import cache

GENEROUS = {"anonymous": "100000/min", "token": "100000/min", "write": "100000/min"}


@pytest.fixture(autouse=True)
def _api_settings(settings, tmp_path):
    """Generous rate limits (the throttling test sets its own), dumps in a temporary
    folder, empty cache (rate counters) for every test."""
    settings.LIANGHUI_API_RATES = dict(GENEROUS)
    # The accounts fixture makes nine users: don't spend seconds hashing "x".
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LIANGHUI_DUMPS_DIR = tmp_path / "dumps"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def tokens(accounts):
    """{role: secret}: one API token per account of the `accounts` fixture."""
    from lianghui.api.tokens.services import token_create

    return {
        role: token_create(user=user, name=f"{role} test")[1]
        for role, user in accounts.items()
        if user is not None
    }


@pytest.fixture
def api(tokens):
    """api(role) -> a DRF test client sending that role's token ('anonymous': none)."""
    from rest_framework.test import APIClient

    def make(role="anonymous"):
        client = APIClient()
        if role != "anonymous":
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens[role]}")
        return client

    return make


@pytest.fixture(scope="session")
def openapi():
    """The OpenAPI document as served, loaded into schemathesis."""
    from drf_spectacular.generators import SchemaGenerator

    document = SchemaGenerator().get_schema(request=None, public=True)
    return schemathesis.openapi.from_dict(json.loads(json.dumps(document, default=str)))


@pytest.fixture
def conforms(openapi):
    """conforms(response, "/api/v1/proposals/{key}/", "GET"): validate a Django test
    response against the document (status documented, body matches its schema)."""

    def check(response, path: str, method: str = "GET") -> None:
        content = b"".join(response.streaming_content) if response.streaming else response.content
        request = requests.Request(method, "http://testserver" + path).prepare()
        wrapped = schemathesis.Response(
            status_code=response.status_code,
            headers={k: [v] for k, v in response.headers.items()},
            content=content,
            request=request,
            elapsed=0.0,
            verify=False,
        )
        openapi[path][method].validate_response(wrapped)

    return check
