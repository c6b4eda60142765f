"""The notifications in the admin: an operator finds what a person was told (by
kind, read or not, mailed or not, date; by the recipient), reads it, and cannot
edit it. It may delete one, read or not: deleting a proposal takes its
notifications with it."""

import datetime as dt

import pytest
from django.utils import timezone

from lianghui.notifications.enums import Kind
from lianghui.notifications.models import Notification
from lianghui.proposals.models import Proposal

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/notifications/notification/"


def _notify(user, proposal, n, **extra):
    return Notification.objects.create(
        user=user,
        kind=Kind.FILED if n % 2 else Kind.REPLIED,
        proposal=proposal,
        event=f"audit:{n}",
        text_zh=f"通知{n}",
        text_en=f"Notice {n}",
        **extra,
    )


@pytest.fixture
def told(accounts):
    proposals = list(Proposal.objects.order_by("id")[:3])
    now = timezone.now()
    rows = []
    for n in range(6):
        user = accounts["member"] if n < 4 else accounts["agency"]
        delivered = {"read_at": now, "mail_state": "sent", "mailed_at": now} if n < 2 else {}
        rows.append(_notify(user, proposals[n % len(proposals)], n, **delivered))
    return rows


def _listed(page) -> set[str]:
    return {n.event for n in page.context["cl"].result_list}


def test_the_changelist_filters_and_searches(accounts, client_for, told):
    admin = client_for(accounts["admin"])
    page = admin.get(CHANGELIST)
    assert page.status_code == 200 and len(_listed(page)) == 6
    assert _listed(admin.get(CHANGELIST, {"kind": Kind.FILED})) == {"audit:1", "audit:3", "audit:5"}
    assert _listed(admin.get(CHANGELIST, {"read": "yes"})) == {"audit:0", "audit:1"}
    assert _listed(admin.get(CHANGELIST, {"mail_state": "sent"})) == {"audit:0", "audit:1"}
    today = timezone.localdate()
    day = {"created_at__year": today.year, "created_at__month": today.month}
    assert len(_listed(admin.get(CHANGELIST, day | {"created_at__day": today.day}))) == 6
    told[5].created_at -= dt.timedelta(days=40)
    told[5].save()
    assert "audit:5" not in _listed(admin.get(CHANGELIST, day | {"created_at__day": today.day}))
    assert _listed(admin.get(CHANGELIST, {"q": accounts["agency"].username})) == {
        "audit:4",
        "audit:5",
    }


def test_the_changelist_queries_do_not_grow_with_rows(
    accounts, client_for, told, django_assert_num_queries
):
    admin = client_for(accounts["admin"])
    admin.get(CHANGELIST)  # the session and the content types are read once
    # the session, the user, the count, the rows with their users and proposals,
    # the mail states of the filter, the dates of the drill-down (2)
    with django_assert_num_queries(7):
        assert admin.get(CHANGELIST).status_code == 200
    proposal = Proposal.objects.order_by("id").first()
    for n in range(10, 30):
        _notify(accounts["office"], proposal, n)
    with django_assert_num_queries(7):
        assert admin.get(CHANGELIST).status_code == 200


def test_a_notification_opens_read_only(accounts, client_for, told):
    admin = client_for(accounts["admin"])
    delivered, fresh = told[0], told[4]
    page = admin.get(f"{CHANGELIST}{delivered.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200 and "Notice 0" in html and "通知0" in html
    assert 'name="_save"' not in html and 'name="text_en"' not in html
    before = Notification.objects.get(pk=delivered.pk).text_en
    admin.post(f"{CHANGELIST}{delivered.pk}/change/", {"text_en": "Edited"})
    assert Notification.objects.get(pk=delivered.pk).text_en == before
    assert admin.get(f"{CHANGELIST}add/").status_code == 403
    # One already read may go too: deleting its proposal in the admin takes it along.
    assert admin.get(f"{CHANGELIST}{delivered.pk}/delete/").status_code == 200
    assert admin.post(f"{CHANGELIST}{fresh.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not Notification.objects.filter(pk=fresh.pk).exists()


def test_not_for_other_staff(accounts, client_for, told):
    assert client_for(accounts["office"]).get(CHANGELIST).status_code == 403
