from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from lianghui.api import schema
from lianghui.api.bulk import views as bulk_views
from lianghui.api.read import algorithms, consultations, highlights, timeline, views
from lianghui.api.write import views as writes

app_name = "api"

router = SimpleRouter(trailing_slash=True)
router.register("bodies", views.BodyViewSet, basename="body")
router.register("sessions", views.SessionViewSet, basename="session")
router.register("topics", views.TopicViewSet, basename="topic")
router.register("members", views.MemberViewSet, basename="member")
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("agencies", views.AgencyViewSet, basename="agency")
router.register("proposals", views.ProposalViewSet, basename="proposal")
router.register("replies", views.ReplyViewSet, basename="reply")
router.register("feedback", views.FeedbackViewSet, basename="feedback")
router.register("regulations", views.RegulationViewSet, basename="regulation")
router.register("commitments", views.CommitmentViewSet, basename="commitment")
router.register("consultations", consultations.ConsultationViewSet, basename="consultation")
router.register("consultation-comments", consultations.CommentViewSet, basename="comment")

KEY = "<slug:key>"
PART = r"(?P<key>[A-Za-z0-9][A-Za-z0-9_-]*\.a[0-9]+(?:\.r[0-9]+)?)"

urlpatterns = [
    path("", views.ApiRootView.as_view(), name="root"),
    path("schema/", schema.SchemaView.as_view(), name="schema"),
    path("docs/", schema.SwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", schema.RedocView.as_view(url_name="api:schema"), name="redoc"),
    path("bulk/", bulk_views.BulkIndexView.as_view(), name="bulk"),
    path("bulk/<slug:dump>/<str:name>", bulk_views.BulkFileView.as_view(), name="bulk-file"),
    path("inbox/", views.InboxView.as_view(), name="inbox"),
    path("algorithms/", algorithms.AlgorithmsView.as_view(), name="algorithms"),
    path(
        f"proposals/{KEY}/interest-flags/",
        algorithms.InterestFlagsView.as_view(),
        name="proposal-interest-flags",
    ),
    path(
        f"proposals/{KEY}/timeline/",
        timeline.ProposalTimelineView.as_view(),
        name="proposal-timeline",
    ),
    path(
        f"sessions/{KEY}/highlights/",
        highlights.SessionHighlightsView.as_view(),
        name="session-highlights",
    ),
    path(f"proposals/{KEY}/submit/", writes.SubmitView.as_view(), name="proposal-submit"),
    path(f"proposals/{KEY}/withdraw/", writes.WithdrawView.as_view(), name="proposal-withdraw"),
    path(f"proposals/{KEY}/confirm/", writes.ConfirmView.as_view(), name="proposal-confirm"),
    path(f"proposals/{KEY}/review/", writes.ReviewView.as_view(), name="proposal-review"),
    path(f"proposals/{KEY}/assignments/", writes.AssignView.as_view(), name="proposal-assign"),
    path(f"proposals/{KEY}/close/", writes.CloseView.as_view(), name="proposal-close"),
    path(f"proposals/{KEY}/reopen/", writes.ReopenView.as_view(), name="proposal-reopen"),
    path(f"proposals/{KEY}/key/", writes.KeyView.as_view(), name="proposal-key"),
    re_path(
        rf"^assignments/{PART}/replies/$", writes.ReplyCreateView.as_view(), name="reply-create"
    ),
    re_path(
        rf"^assignments/{PART}/transfer-request/$",
        writes.TransferRequestView.as_view(),
        name="transfer-request",
    ),
    re_path(rf"^assignments/{PART}/transfer/$", writes.TransferView.as_view(), name="transfer"),
    re_path(
        rf"^assignments/{PART}/refuse-transfer/$",
        writes.RefuseTransferView.as_view(),
        name="refuse-transfer",
    ),
    re_path(
        rf"^replies/{PART}/feedback/$", writes.FeedbackCreateView.as_view(), name="feedback-create"
    ),
    path(
        f"consultations/{KEY}/comments/",
        consultations.CommentCreateView.as_view(),
        name="comment-create",
    ),
    path(
        f"consultations/{KEY}/comments/<int:comment>/edit/",
        consultations.CommentEditView.as_view(),
        name="comment-edit",
    ),
    path(
        f"consultations/{KEY}/comments/<int:comment>/withdraw/",
        consultations.CommentWithdrawView.as_view(),
        name="comment-withdraw",
    ),
    *router.urls,
    re_path(r"^[\s\S]*$", views.NotFoundView.as_view(), name="not-found"),
]
