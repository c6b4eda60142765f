from django.urls import path

from lianghui.insights import views as insights_views
from lianghui.laws import views as laws_views

from . import views

app_name = "desks"

urlpatterns = [
    path("", views.desk, name="home"),
    path("member/", views.member_desk, name="member"),
    path("member/new/", views.draft_edit, name="draft-new"),
    path("member/<slug:key>/edit/", views.draft_edit, name="draft-edit"),
    path("member/<slug:key>/<slug:action>/", views.member_action, name="member-action"),
    path("member/replies/<int:reply_id>/rate/", views.rate_reply, name="rate"),
    path(
        "member/flags/<slug:key>/<slug:organization>/",
        insights_views.interest_statement,
        name="interest-statement",
    ),
    path("office/", views.office_queue, name="office"),
    path("office/bulk/", views.office_bulk, name="office-bulk"),
    path("office/proposals/<slug:key>/", views.office_proposal, name="office-proposal"),
    path(
        "office/proposals/<slug:key>/suggestions/<slug:kind>/<slug:action>/",
        insights_views.office_suggestion,
        name="office-suggestion",
    ),
    path(
        "office/proposals/<slug:key>/regulations/<int:link>/<slug:action>/",
        laws_views.office_link,
        name="office-regulation-link",
    ),
    path("statistics/", views.statistics, name="statistics"),
    path("agency/", views.agency_inbox, name="agency"),
    path("agency/assignments/<int:assignment_id>/", views.agency_reply, name="agency-reply"),
    path("supervisor/", views.supervisor_desk, name="supervisor"),
]
