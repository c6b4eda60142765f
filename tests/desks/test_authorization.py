"""Every desk URL and every permission rule against every role; and no unpublished
record reaches a role that must not see it."""

import datetime as dt

import pytest

from lianghui.accounts import permissions as perms
from lianghui.proposals import visibility
from lianghui.proposals.models import Assignment, Proposal
from tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db
D = dt.date
ROLES = [
    "anonymous",
    "watcher",
    "member",
    "other_member",
    "office",
    "other_office",
    "agency",
    "other_agency",
    "supervisor",
    "admin",
]


@pytest.fixture
def world(accounts):
    """p-1 (published, assigned to MIIT) plus an unpublished draft and an unpublished
    proposal under review, both by deputy-a (the 'member' account)."""
    draft = ProposalFactory(key="secret-draft", title_zh="未公开草稿")
    review = ProposalFactory(key="secret-review", title_zh="审查中的建议", status="submitted")
    miit_assignment = Assignment.objects.get(proposal__key="p-1", active=True)
    handled = ProposalFactory(key="being-handled", title_zh="办理中", status="assigned")
    open_assignment = handled.assignments.get()
    return {
        "draft": draft,
        "review": review,
        "assignment": miit_assignment,
        "open_assignment": open_assignment,
    }


def desk_urls(w):
    a = w["assignment"].pk
    return {
        "/desk/member/": {"member", "other_member"},
        "/desk/member/new/": {"member", "other_member"},
        "/desk/member/secret-draft/edit/": {"member"},
        "/desk/office/": {"office", "other_office", "admin"},
        "/desk/office/?tab=overdue": {"office", "other_office", "admin"},
        "/desk/office/proposals/secret-review/": {"office", "admin"},
        "/desk/statistics/": {"office", "other_office", "supervisor", "admin"},
        "/desk/agency/": {"agency", "other_agency", "admin"},
        f"/desk/agency/assignments/{a}/": {"agency", "admin"},
        "/desk/supervisor/": {"supervisor", "admin"},
    }


@pytest.mark.parametrize("role", ROLES)
def test_every_desk_url_against_every_role(role, accounts, world, client_for):
    client = client_for(accounts[role])
    for url, allowed in desk_urls(world).items():
        response = client.get(url)
        if role in allowed:
            assert response.status_code == 200, (url, role)
        elif role == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            assert response.status_code in {403, 404}, (url, role, response.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_posting_actions_is_refused_to_other_roles(role, accounts, world, client_for):
    client = client_for(accounts[role])
    a = world["open_assignment"]

    def status(key):
        return Proposal.objects.values_list("status", flat=True).get(key=key)

    # (url, data, roles allowed, what an allowed post achieves)
    attempts = [
        (
            "/desk/member/secret-draft/submit/",
            {},
            {"member"},
            lambda: status("secret-draft") == "submitted",
        ),
        (
            "/desk/office/proposals/secret-review/",
            {"action": "review", "review-decision": "filed"},
            {"office", "admin"},
            lambda: status("secret-review") == "filed",
        ),
        (
            "/desk/office/bulk/",
            {"proposals": ["secret-review"], "action": "file"},
            {"office", "admin"},
            None,
        ),  # already filed above: refused with a message
        (
            f"/desk/agency/assignments/{a.pk}/",
            {"action": "transfer", "transfer-reason": "x"},
            {"agency", "admin"},
            lambda: Assignment.objects.get(pk=a.pk).transfer_reason == "x",
        ),
    ]
    for url, data, allowed, achieved in attempts:
        before = {p.key: (p.status, p.published) for p in Proposal.objects.all()}
        before_reason = Assignment.objects.get(pk=a.pk).transfer_reason
        response = client.post(url, data)
        if role in allowed:
            assert response.status_code == 302, (url, role, response.status_code)
            assert achieved is None or achieved(), (url, role)
            continue
        assert response.status_code in {302, 403, 404}, (url, role)
        if response.status_code == 302:
            # Anonymous users go to the login page; another body's office gets its
            # queue back with "not a valid choice" (the proposal is outside its scope).
            assert "/accounts/login/" in response["Location"] or role == "other_office", (url, role)
        assert {p.key: (p.status, p.published) for p in Proposal.objects.all()} == before
        assert Assignment.objects.get(pk=a.pk).transfer_reason == before_reason


# which roles each permission check lets through, for its target
PERMISSION_MATRIX = {
    "require_lead": {"member"},
    "require_office": {"office", "admin"},
    "require_agency": {"agency", "admin"},
    "require_draft_author": {"member"},
}


@pytest.mark.parametrize("role", ROLES)
def test_every_permission_check_against_every_role(role, accounts, world):
    from django.core.exceptions import PermissionDenied

    user = (
        accounts[role] or __import__("django.contrib.auth.models", fromlist=["x"]).AnonymousUser()
    )
    targets = {
        "require_lead": world["draft"],
        "require_office": world["review"],
        "require_agency": world["assignment"],
        "require_draft_author": world["draft"],
    }
    for check, allowed in PERMISSION_MATRIX.items():
        call = getattr(perms, check)
        if role in allowed:
            call(user, targets[check])
        else:
            with pytest.raises(PermissionDenied):
                call(user, targets[check])


VISIBLE = {
    # role -> which of the unpublished proposals it may see
    "anonymous": set(),
    "watcher": set(),
    "other_member": set(),
    "other_office": set(),
    "agency": set(),
    "other_agency": set(),
    "supervisor": set(),
    "member": {"secret-draft", "secret-review"},
    "office": {"secret-draft", "secret-review"},
    "admin": {"secret-draft", "secret-review"},
}


@pytest.mark.parametrize("role", ROLES)
def test_no_unpublished_record_reaches_a_role_that_must_not_see_it(
    role, accounts, world, client_for
):
    client = client_for(accounts[role])
    for key in ("secret-draft", "secret-review"):
        page = client.get(f"/proposals/{key}/")
        assert page.status_code == (200 if key in VISIBLE[role] else 404), (role, key)
    # lists and counts show published records only, whoever asks
    listing = client.get("/proposals/").content.decode()
    assert "未公开草稿" not in listing and "审查中的建议" not in listing
    for url in ("/members/deputy-a/", "/sessions/npc-2022/", "/"):
        body = client.get(url).content.decode()
        assert "未公开草稿" not in body and "审查中的建议" not in body, (url, role)
    user = accounts[role]
    if user is not None:
        seen = set(
            visibility.proposals_for(user)
            .filter(key__in=["secret-draft", "secret-review"])
            .values_list("key", flat=True)
        )
        assert seen == VISIBLE[role]


def test_unpublished_replies_stay_hidden_from_the_public(accounts, world, client_for):
    from lianghui.proposals.models import Reply

    reply = Reply.objects.get(assignment__proposal__key="p-1")
    reply.published = False
    reply.save()
    assert "已采纳" not in client_for(None).get("/proposals/p-1/").content.decode()
    assert "已采纳" in client_for(accounts["office"]).get("/proposals/p-1/").content.decode()
