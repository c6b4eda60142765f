from django.urls import path

from .feeds import ATOM, FEEDS

app_name = "feeds"

urlpatterns = [
    path("proposals/<slug:key>/", FEEDS["proposal"](), name="proposal"),
    path("proposals/<slug:key>/atom/", ATOM["proposal"](), name="proposal-atom"),
    path("members/<slug:key>/", FEEDS["member"](), name="member"),
    path("members/<slug:key>/atom/", ATOM["member"](), name="member-atom"),
    path("agencies/<slug:key>/", FEEDS["agency"](), name="agency"),
    path("agencies/<slug:key>/atom/", ATOM["agency"](), name="agency-atom"),
    path("topics/<slug:key>/", FEEDS["topic"](), name="topic"),
    path("topics/<slug:key>/atom/", ATOM["topic"](), name="topic-atom"),
    path("regulations/<slug:key>/", FEEDS["regulation"](), name="regulation"),
    path("regulations/<slug:key>/atom/", ATOM["regulation"](), name="regulation-atom"),
    path("consultations/<slug:key>/", FEEDS["consultation"](), name="consultation"),
    path("consultations/<slug:key>/atom/", ATOM["consultation"](), name="consultation-atom"),
    path("search/", FEEDS["search"](), name="search"),
    path("search/atom/", ATOM["search"](), name="search-atom"),
]
