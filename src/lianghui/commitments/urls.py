from django.urls import path

from . import views

app_name = "commitments"

urlpatterns = [
    path("commitments/", views.commitment_list, name="list"),
    path("commitments/lapsed/feed/", views.LapsedFeed(), name="lapsed-feed"),
    path("desk/office/commitments/", views.review_queue, name="review-queue"),
    path("desk/office/commitments/<int:pk>/", views.review, name="review"),
]
