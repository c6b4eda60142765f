"""API token scopes: a read-only token reads and cannot write, on every write
operation the API has (found by walking its URL patterns and its OpenAPI
document, not listed by hand); the scope is chosen and shown on creation."""

import pytest
from django.core.management import call_command
from drf_spectacular.generators import EndpointEnumerator, SchemaGenerator
from rest_framework.test import APIClient

from lianghui.api.models import Token, TokenScope
from lianghui.api.tokens.services import token_create
from lianghui.core.models import AuditEntry
from lianghui.proposals.models import Assignment, Feedback, Proposal, Reply, Signer

from ..api import scenarios as sc

pytestmark = pytest.mark.django_db

WRITE_METHODS = {"post", "put", "patch", "delete"}


@pytest.fixture(autouse=True)
def _generous_limits(settings):
    settings.LIANGHUI_API_RATES = {"anonymous": "1/min", "token": "9999/min", "write": "9999/min"}


def _write_operations() -> list[tuple[str, str]]:
    document = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        (method, path)
        for path, operations in document["paths"].items()
        for method in operations
        if method in WRITE_METHODS
    )


def test_the_walk_finds_every_write_view_in_the_document():
    """Every write under /api/v1/ that the URL patterns route (the router's and the
    others) is in the OpenAPI document, but the catch-all 404; so walking the
    document walks every write."""
    routed = {
        (method.lower(), path)
        for path, _regex, method, _callback in EndpointEnumerator().get_api_endpoints()
        if method.lower() in WRITE_METHODS and path.startswith("/api/v1/")
    }
    routed = {(m, p) for m, p in routed if "[\\s\\S]" not in p}
    documented = set(_write_operations())
    assert len(documented) >= 15
    assert routed <= documented, routed - documented


def _snapshot():
    return (
        list(Proposal.objects.order_by("pk").values_list("key", "status", "is_key", "title_zh")),
        Assignment.objects.count(),
        Reply.objects.count(),
        Feedback.objects.count(),
        Signer.objects.filter(confirmed=True).count(),
        AuditEntry.objects.count(),
    )


def _path(template: str, proposal_key: str) -> str:
    key = proposal_key
    if template.startswith("/api/v1/assignments/"):
        key = f"{proposal_key}.a1"
    elif template.startswith("/api/v1/replies/"):
        key = f"{proposal_key}.a1.r1"
    return template.replace("{key}", key)


def test_a_read_only_token_is_refused_every_write_and_changes_nothing(accounts):
    sc.draft("scope-draft", cosigners=["deputy-b"])
    replied = sc.replied("scope-replied")
    operations = _write_operations()
    readers = {
        role: token_create(user=user, name="reader", scope=TokenScope.READ)[1]
        for role, user in accounts.items()
        if user is not None
    }
    before = _snapshot()
    refused = 0
    for role, secret in readers.items():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        for method, template in operations:
            for key in ("scope-draft", replied.key):
                path = _path(template, key)
                response = getattr(client, method)(path, {}, format="json")
                assert response.status_code == 403, (role, method, path, response.content)
                assert response.json()["code"] == "token_read_only", (role, method, path)
                refused += 1
        # Reads still work with the same token.
        assert client.get("/api/v1/bodies/").status_code == 200
    assert _snapshot() == before
    assert refused == len(readers) * len(operations) * 2


def test_a_read_write_token_reaches_the_same_endpoints(accounts):
    """The refusal comes from the scope: the same requests with a read-write token of
    the same user pass the token check (whatever the role's rules answer then)."""
    replied = sc.replied("scope-replied")
    secret = token_create(user=accounts["admin"], name="writer", scope=TokenScope.WRITE)[1]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    for method, template in _write_operations():
        response = getattr(client, method)(_path(template, replied.key), {}, format="json")
        body = response.json() if response.content else {}
        assert body.get("code") != "token_read_only", (method, template)


def test_tokens_made_before_scopes_keep_writing(accounts):
    """The migration's default: an existing token stays read-write."""
    field = Token._meta.get_field("scope")
    assert field.default == TokenScope.WRITE
    token, _secret = token_create(user=accounts["member"], name="old script")
    assert token.scope == TokenScope.WRITE


def test_the_token_page_offers_the_scope_and_shows_it(accounts, client_for):
    client = client_for(accounts["member"])
    form = client.get("/desk/tokens/").content.decode()
    assert 'name="scope" value="read"' in form and 'name="scope" value="write"' in form
    page = client.post("/desk/tokens/", {"name": "reader", "scope": "read"})
    assert page.status_code == 200
    token = Token.objects.get(user=accounts["member"], name="reader")
    assert token.scope == TokenScope.READ
    assert 'id="token-scope">Read only<' in page.content.decode()
    client.post("/desk/tokens/", {"name": "writer", "scope": "write"})
    listing = client.get("/desk/tokens/").content.decode()
    assert "Read only" in listing and "Read and write" in listing
    # A form that names no scope gets the lesser one.
    client.post("/desk/tokens/", {"name": "unnamed"})
    assert Token.objects.get(name="unnamed").scope == TokenScope.READ


def test_the_tokens_command_chooses_and_lists_the_scope(accounts, capsys):
    call_command("tokens", "create", "m", "--name", "reader")
    call_command("tokens", "create", "m", "--name", "writer", "--scope", "write")
    err = capsys.readouterr().err
    assert "(read)" in err and "(write)" in err
    call_command("tokens", "list", "m")
    lines = capsys.readouterr().out.splitlines()
    rows = {line.split("\t")[4]: line.split("\t")[3] for line in lines}
    assert rows == {"reader": "read", "writer": "write"}
