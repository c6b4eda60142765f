import pytest

from lianghui.core import audit
from lianghui.proposals.models import Proposal

pytestmark = pytest.mark.django_db


def test_admin_edits_are_audited(accounts, client_for):
    admin = client_for(accounts["admin"])
    p = Proposal.objects.get(key="p-2")
    page = admin.get(f"/admin/proposals/proposal/{p.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        name: form[name].value() if form[name].value() is not None else "" for name in form.fields
    }
    data["title_en"] = "Corrected title"
    data["topics"] = [t.pk for t in p.topics.all()]
    for prefix in ("signers", "review", "assignments", "core-citation-content_type-object_id"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    data = {k: v for k, v in data.items() if v is not False}
    response = admin.post(f"/admin/proposals/proposal/{p.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    p.refresh_from_db()
    assert p.title_en == "Corrected title"
    entry = [e for e in audit.history(p) if e.action == "admin-edit"][0]
    assert (entry.field, entry.after, entry.actor_label) == ("title_en", "Corrected title", "root")


def test_staff_edit_a_holiday_calendar_and_its_days_inline(accounts, client_for):
    from lianghui.proposals.models import HolidayCalendar

    admin = client_for(accounts["admin"])
    assert admin.get("/admin/proposals/holidaycalendar/add/").status_code == 200
    days = "days-{}-{}".format
    data = {
        "key": "test-calendar",
        "name_en": "Test calendar",
        "days-TOTAL_FORMS": "2",
        "days-INITIAL_FORMS": "0",
        days(0, "date"): "2026-02-14",
        days(0, "kind"): "working_day",
        days(1, "date"): "2026-02-16",
        days(1, "kind"): "holiday",
        days(1, "name_en"): "Spring Festival",
        "core-citation-content_type-object_id-TOTAL_FORMS": "0",
        "core-citation-content_type-object_id-INITIAL_FORMS": "0",
    }
    response = admin.post("/admin/proposals/holidaycalendar/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    calendar = HolidayCalendar.objects.get(key="test-calendar")
    assert list(calendar.days.values_list("kind", flat=True)) == ["working_day", "holiday"]
    # The same day twice is refused with a message, not a server error.
    data |= {"key": "other", days(1, "date"): "2026-02-14"}
    response = admin.post("/admin/proposals/holidaycalendar/add/", data)
    assert response.status_code == 200
    assert not HolidayCalendar.objects.filter(key="other").exists()


@pytest.mark.parametrize(
    "label",
    [
        "laws.ProposalLink",
        "consultations.ThemeDecision",
        "commitments.Commitment",
        "insights.SuggestionDecision",
    ],
)
def test_records_decided_on_a_desk_are_read_only_in_the_admin(rf, accounts, label):
    """Decisions are made, and recorded, on the desks: the admin shows them and
    neither adds, changes nor deletes one (a delete would lose the decision)."""
    from django.apps import apps
    from django.contrib import admin

    model_admin = admin.site._registry[apps.get_model(label)]
    request = rf.get("/")
    request.user = accounts["admin"]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
