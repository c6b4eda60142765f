from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("language/", views.language, name="language"),
    path("algorithms/", views.algorithms, name="algorithms"),
    path("proposals/", views.proposal_list, name="proposals"),
    path("proposals/<slug:key>/", views.proposal_detail, name="proposal"),
    path("members/", views.member_list, name="members"),
    path("members/<slug:key>/", views.member_detail, name="member"),
    path("organizations/", views.organization_list, name="organizations"),
    path("organizations/<slug:key>/", views.organization_detail, name="organization"),
    path("agencies/", views.agency_list, name="agencies"),
    path("sessions/", views.session_list, name="sessions"),
    path("sessions/<slug:key>/", views.session_detail, name="session"),
    path("topics/", views.topic_list, name="topics"),
    path("regulations/", views.regulation_list, name="regulations"),
    path("regulations/<slug:key>/", views.regulation_detail, name="regulation"),
    path(
        "regulations/<slug:key>/versions/<int:version>/",
        views.regulation_version,
        name="regulation-version",
    ),
    path("regulations/<slug:key>/compare/", views.regulation_compare, name="regulation-compare"),
    path("sources/<slug:key>/copy/", views.source_copy, name="source_copy"),
]
