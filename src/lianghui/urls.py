from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("lianghui.accounts.urls")),
    path("desk/tokens/", include("lianghui.api.tokens.account_urls")),
    path("", include("lianghui.commitments.urls")),
    path("", include("lianghui.digests.urls")),
    path("desk/notifications/", include("lianghui.notifications.urls")),
    path("desk/", include("lianghui.desks.urls")),
    path("search/", include("lianghui.search.urls")),
    path("following/", include("lianghui.following.urls")),
    path("consultations/", include("lianghui.consultations.urls")),
    path("feeds/", include("lianghui.following.feed_urls")),
    path("", include("lianghui.search.pages_urls")),
    path("api/v1/me/notifications/", include("lianghui.notifications.api_urls")),
    path("api/v1/me/", include("lianghui.accounts.api_urls")),
    path("api/v1/", include("lianghui.api.urls")),
    path("", include("lianghui.portal.urls")),
]

# JSON under /api/, the usual pages elsewhere.
handler400 = "lianghui.api.errors.bad_request"
handler403 = "lianghui.api.errors.permission_denied"
handler404 = "lianghui.api.errors.page_not_found"
handler500 = "lianghui.api.errors.server_error"
