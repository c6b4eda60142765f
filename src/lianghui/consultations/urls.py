from django.urls import path

from . import views

app_name = "consultations"

urlpatterns = [
    path("", views.consultation_list, name="list"),
    path("<slug:key>/", views.consultation_detail, name="detail"),
    path("<slug:key>/comment/", views.comment_create, name="comment"),
    path("<slug:key>/comments/<int:pk>/edit/", views.comment_edit, name="comment-edit"),
    path("<slug:key>/comments/<int:pk>/withdraw/", views.comment_withdraw, name="comment-withdraw"),
    path("<slug:key>/moderate/", views.moderation, name="moderate"),
    path("<slug:key>/moderate/<int:pk>/", views.moderate, name="moderate-comment"),
    path("<slug:key>/themes/", views.theme_review, name="themes"),
    path("<slug:key>/themes/propose/", views.themes_propose, name="themes-propose"),
    path("<slug:key>/themes/<int:pk>/<slug:action>/", views.theme_decide, name="theme-decide"),
    path("<slug:key>/close/", views.close, name="close"),
    path("<slug:key>/response/", views.response_edit, name="response"),
]
