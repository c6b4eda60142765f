"""No malformed request is a server error.

Walks every URL pattern of the URLconf (pages, desks, feeds, API, admin), with
real keys of the small world in its path parameters and then hostile ones, and
every query parameter each view reads, with hostile values: as a visitor and as
a signed-in staff user, on whichever database the run uses. The parameters a
view reads are found by watching it read them (every ``request.GET`` lookup is
recorded), plus those declared below for reads that only happen on some paths.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import quote

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from lianghui.api.read import views as api_views
from lianghui.proposals.models import Assignment, Proposal, Reply

pytestmark = pytest.mark.django_db

# Percent-encoded as sent on the wire: one value of each kind that broke or
# could break a view (NUL, lone surrogate, bytes that are not UTF-8, control
# characters, numbers out of range or of the wrong kind, very long text, list
# and object syntax, quotes, full-text search syntax).
HOSTILE = [
    "%00",
    "a%00b",
    "%ED%A0%80",
    "%FF%FE",
    "%0B%01",
    "99999999999999999999999999",
    "-1",
    "1e309",
    "%C2%B2",
    "x" * 3000,
    "[]",
    "%27%22",
    "%22a%20OR%20(b%20NEAR%20*",
]
HOSTILE_PATH = [
    "%00",
    "%ED%A0%80",
    "%0B",
    "99999999999999999999999999",
    "-1",
    "x" * 300,
    "%27",
    "a.a99999999999.r0",
]
# The admin's change lists read all parameters at once: each value goes to all.
HOSTILE_ADMIN = ["%00", "%ED%A0%80", "99999999999999999999999999", "%27"]
# Parameters read only on some paths (after another one, or in a branch the
# discovery request does not take), by URL name.
DECLARED = {
    "search:search": ["q", "sort", "page", "type", "year", "member", "agency", "group"],
    "feeds:search": ["q", "type", "session", "year", "key", "generated"],
    "feeds:search-atom": ["q", "type", "session", "year", "key", "generated"],
    "portal:language": ["language", "next"],
    "desks:office": ["page", "tab", "q", "session", "status"],
    "desks:statistics": ["session"],
    "following:follow": ["key", "next"],
    "following:unfollow": ["key", "next"],
}
# The admin pages of one model are visited by the staff user with real keys.
ADMIN_SAMPLE = "admin:proposals_proposal_"
# Patterns that take any path below them.
CATCH_ALL = {"admin:None": "/admin/", "api:not-found": "/api/v1/"}
# Every list and detail of the API reads these (pagination, sections, format).
API_COMMON = ["cursor", "limit", "include", "format"]
# The admin's change lists read the query string as a whole (items()).
ADMIN_COMMON = ["q", "o", "p", "e", "all", "_to_field", "_popup", "_changelist_filters"]


def patterns(resolver=None, prefix="", namespace=""):
    """(route for display, qualified name, pattern, path parameters) of every view."""
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from patterns(p, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace else str(p.name)
            route = prefix + str(p.pattern)
            params = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)
            yield route, name, p, [a or b for a, b in params]


def real_kwargs(route: str, name: str, params: list[str]) -> dict:
    """Path parameters naming real records of the small world."""
    p1 = Proposal.objects.get(key="p-1")
    reply = Reply.objects.filter(assignment__proposal=p1).order_by("id").first()
    by_section = {
        "proposals": "p-1",
        "members": "ma-huateng",
        "organizations": "miit",
        "agencies": "miit",
        "sessions": "npc-2022",  # its highlights are not published: a 404
        "regulations": "pipl",
        "topics": "ai",
        "bodies": "npc",
        "member": "p-1",
        "office": "p-1",
        "sources": "src-a",
        "consultations": "pipl-draft",
    }
    out = {}
    for param in params:
        if name.startswith("admin:"):
            out[param] = admin_value(name, param, p1)
        elif param == "key" and "\\.a[0-9]+" in route:  # a part of a proposal
            part = f"p-1.a{_position(p1, reply.assignment)}"
            if "^assignments/" in route:
                out[param] = part
            elif "^commitments/" in route:  # a sentence of a reply (none here: a 404)
                out[param] = f"{part}.r0.zh0"
            else:
                out[param] = f"{part}.r0"
        elif param == "key":
            section = next(s for s in route.replace("^", "").split("/") if s in by_section)
            out[param] = by_section[section]
        else:
            out[param] = {
                "target": "member",
                "token": "not-a-token",
                "uidb64": "MQ",
                "dump": "reference",
                "name": "manifest.json",
                "reply_id": reply.pk,
                "assignment_id": reply.assignment_id,
                "token_id": 1,
                "pk": 1,  # a consultation's comment or theme
                "comment": 1,
                "kind": "topics",
                "action": {
                    "desks:member-action": "submit",
                    "desks:office-regulation-link": "reject",
                }.get(name, "apply"),
                "link": p1.regulation_links.order_by("pk").first().pk,
                "version": 1,  # the small world has no texts: a missing one
                "organization": "tencent",  # an interest flag's organization
            }[param]
    return out


def _position(proposal, assignment) -> int:
    ids = list(Assignment.objects.filter(proposal=proposal).order_by("id").values_list("id"))
    return ids.index((assignment.pk,))


def admin_value(name: str, param: str, proposal):
    if param == "app_label":
        return "proposals"
    if param == "content_type_id":
        return ContentType.objects.get_for_model(Proposal).pk
    if param == "id":  # a user's password page
        return apps.get_model("auth", "User").objects.order_by("pk").first().pk
    if param == "object_id":
        if name == "admin:view_on_site":
            return proposal.pk
        model = _admin_model(name)
        first = model.objects.order_by("pk").first()
        return first.pk if first is not None else 1
    return None


def _admin_model(name: str):
    return next(
        m
        for m in admin.site._registry
        if name.startswith(f"admin:{m._meta.app_label}_{m._meta.model_name}_")
    )


def admin_params(name: str) -> list[str]:
    """The change list's parameters, its filters' included."""
    if not name.endswith("_changelist"):
        return []
    model_admin = admin.site._registry[_admin_model(name)]
    out = list(ADMIN_COMMON)
    for f in model_admin.list_filter:
        if isinstance(f, str):
            out += [f"{f}__exact", f"{f}__id__exact", f"{f}__isnull", f]
    if model_admin.date_hierarchy:
        out += [f"{model_admin.date_hierarchy}__{p}" for p in ("year", "month", "day")]
    return out


class Recorder:
    """Which query parameters a request looks up."""

    def __init__(self, monkeypatch):
        self.names: set[str] | None = None
        recorder = self

        def watch(method):
            original = getattr(QueryDict, method)

            def watched(self, key, *args, **kwargs):
                if recorder.names is not None and isinstance(key, str):
                    recorder.names.add(key)
                return original(self, key, *args, **kwargs)

            monkeypatch.setattr(QueryDict, method, watched)

        for method in ("get", "getlist", "__getitem__", "__contains__"):
            watch(method)

    def read_by(self, client, url: str) -> set[str]:
        self.names = set()
        client.get(url)
        names, self.names = self.names, None
        return names


@pytest.fixture
def quiet():
    """Thousands of refused requests would each log a line."""
    logging.disable(logging.CRITICAL)
    yield
    logging.disable(logging.NOTSET)


@pytest.fixture
def clients(accounts, quiet):
    from django.utils import timezone

    from tests.consultations.conftest import make_consultation, make_draft

    today = timezone.localdate()
    make_consultation(make_draft(), today, today)  # "pipl-draft", open today
    anonymous = Client(raise_request_exception=False)
    staff = Client(raise_request_exception=False)
    staff.force_login(accounts["admin"])
    return {"anonymous": anonymous, "staff": staff}


def test_every_url_and_query_parameter_survives_hostile_input(clients, monkeypatch, settings):
    settings.LIANGHUI_API_RATES = {k: "1000000/min" for k in ("anonymous", "token", "write")}
    recorder = Recorder(monkeypatch)
    failures: list[str] = []
    visitors = list(clients.items())
    turn = [0]

    def hit(url: str, *, everyone: bool = False) -> None:
        """As both, or as the visitor and the staff user in turn."""
        if everyone:
            chosen = visitors
        else:
            turn[0] += 1
            chosen = [visitors[turn[0] % 2]]
        for who, client in chosen:
            status = client.get(url).status_code
            if status >= 500:
                failures.append(f"{who} {url[:200]} -> {status}")

    missing, seen = [], 0
    for route, name, pattern, params in patterns():
        seen += 1
        if name in CATCH_ALL:  # any path under it
            for value in HOSTILE_PATH:
                hit(CATCH_ALL[name] + value + "/", everyone=True)
            continue
        kwargs = real_kwargs(route, name, params)
        try:
            url = reverse(name, kwargs=kwargs)
        except Exception as exc:  # a pattern without a real value in the map above
            missing.append(f"{route} ({name}): {exc}")
            continue
        heavy = name.startswith("admin:") and params and not name.startswith(ADMIN_SAMPLE)
        if heavy:  # the admin's forms take a second each: one model's for all
            clients["anonymous"].get(url)
        else:
            hit(url, everyone=True)
        # Hostile path parameters: reverse with a placeholder, then swap it.
        for param in params:
            placeholder = 987654321 if isinstance(kwargs[param], int) else "zzplaceholder"
            if isinstance(kwargs[param], str) and "." in kwargs[param]:
                marked = {**kwargs, param: "zzplaceholder" + kwargs[param][3:]}
            else:
                marked = {**kwargs, param: placeholder}
            try:
                template = reverse(name, kwargs=marked)
            except Exception:
                continue
            for value in HOSTILE_PATH:
                hit(template.replace(str(placeholder), value, 1))
        if name.startswith("admin:"):
            names = admin_params(name)
            for value in HOSTILE_ADMIN if names else ():
                query = "&".join(f"{quote(n)}={value}" for n in names)
                hit(f"{url}?{query}&{query}")
            continue
        # Every query parameter the view reads, one at a time.
        read = set()
        for client in clients.values():
            read |= recorder.read_by(client, url)
        read |= set(DECLARED.get(name, ()))
        view = getattr(pattern.callback, "cls", None)
        if name.startswith("api:") and view is not None:
            read |= set(API_COMMON)
            filterset = getattr(view, "filterset_class", None)
            if filterset is not None:
                read |= set(filterset.base_filters)
        for param in sorted(read):
            for value in HOSTILE:
                hit(f"{url}?{quote(param)}={value}")
            hit(f"{url}?{quote(param)}=a&{quote(param)}=b")
    assert not missing, missing
    assert not failures, "\n".join(failures)
    assert seen > 150  # the walk did reach every app's patterns


def test_api_errors_are_json_when_debug_is_off(clients, settings):
    settings.DEBUG = False
    client = clients["anonymous"]
    for url, status in (
        ("/api/v1/replies/?cursor=WyJhIiwiYiIsImMiXQ", 400),  # valid base64, wrong shape
        ("/api/v1/proposals/?session=a%00", 200),  # the NUL is dropped: no such session
        ("/api/v1/no-such-thing/", 404),
        ("/api/v1/proposals/%00/", 404),
        ("/api/v1/proposals/?limit=%C2%B2", 400),
    ):
        response = client.get(url)
        assert response.status_code == status, url
        assert response["Content-Type"] == "application/json", url
        body = response.json()
        assert body["code"] if status >= 400 else body["results"] == [], url


def test_a_failure_under_the_api_answers_json(clients, settings, monkeypatch):
    settings.DEBUG = False

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(api_views.BodyViewSet, "list", broken)
    response = clients["anonymous"].get("/api/v1/bodies/")
    assert response.status_code == 500
    assert response.json() == {
        "detail": "Something went wrong on our side.",
        "code": "server_error",
    }
    page = clients["anonymous"].get("/desk/tokens/%00/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_a_cursor_of_another_list_or_kind_is_refused(clients):
    import base64
    import json

    def cursor(values) -> str:
        return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")

    client = clients["staff"]
    for values in (
        ["a", "b", "c"],
        ["p-1", "x", 1],
        ["p-1", 2**70, 1],
        ["p-1", -1, 1],
        ["p-1\u0000", 1, 1],
        ["p-1", True, 1],
        [[], {}, None],
        "nested" * 2,
    ):
        response = client.get(f"/api/v1/replies/?cursor={cursor(values)}")
        assert response.status_code == 400, values
        assert "cursor" in response.json()["errors"]
    good = client.get("/api/v1/replies/?limit=1").json()
    assert client.get(good["next"]).status_code == 200 if good["next"] else True
