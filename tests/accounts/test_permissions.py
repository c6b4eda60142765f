"""The role check every staff desk uses (desks, commitments' review, highlights):
a visitor is sent to log in, another role is refused, administrators pass unless
the view is personal; and the body a staff desk covers."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from lianghui.accounts import permissions as perms
from lianghui.accounts.enums import Role

pytestmark = pytest.mark.django_db


def _call(view, user):
    request = RequestFactory().get("/desk/x/?page=2")
    request.user = user or AnonymousUser()
    return view(request)


@perms.role_required(Role.OFFICE)
def office_view(request):
    """The office's view."""
    return HttpResponse("ok")


@perms.role_required(Role.MEMBER, admin=False)
def member_view(request):
    return HttpResponse("ok")


def test_a_visitor_is_sent_to_log_in_and_comes_back(accounts):
    response = _call(office_view, None)
    assert response.status_code == 302
    assert "login" in response.url
    assert "next=/desk/x/%3Fpage%3D2" in response.url


def test_only_the_roles_named_and_administrators(accounts):
    assert _call(office_view, accounts["office"]).status_code == 200
    assert _call(office_view, accounts["admin"]).status_code == 200
    for role in ("member", "agency", "supervisor", "watcher"):
        with pytest.raises(PermissionDenied):
            _call(office_view, accounts[role])
    assert office_view.__name__ == "office_view" and "office" in office_view.__doc__


def test_a_personal_desk_refuses_administrators(accounts):
    assert _call(member_view, accounts["member"]).status_code == 200
    with pytest.raises(PermissionDenied):
        _call(member_view, accounts["admin"])


def test_the_body_a_staff_desk_covers(accounts):
    assert perms.body_scope(accounts["office"]).key == "npc"
    assert perms.body_scope(accounts["admin"]) is None
