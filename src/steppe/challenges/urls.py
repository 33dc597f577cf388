"""揭榜挂帅 pages, served under /supervision/ as they always were (mounted beside supervision's)."""

from django.urls import path

from . import views

app_name = "challenges"
urlpatterns = [
    path("challenges/", views.challenges, name="challenges"),
    path("challenges/new/", views.challenge_new, name="challenge_new"),
    path("challenges/<slug:code>/", views.challenge_detail, name="challenge"),
    path("challenges/<slug:code>/act/", views.challenge_action, name="challenge_action"),
    path("commitments/<int:pk>/", views.commitment, name="commitment"),
]
