from django.urls import path

from steppe.core import inbox_views

from . import views

app_name = "supervision"
urlpatterns = [
    path("", views.index, name="index"),
    path("overview/", views.overview, name="overview"),
    path("todo/", views.todo, name="todo"),
    path("alignment/", views.alignment, name="alignment"),
    # the one inbox (core); the old address stays, on the same page
    path("inbox/", inbox_views.inbox, name="inbox"),
    path("inbox/read/", inbox_views.inbox_read_all, name="inbox_read"),
    path("audit/", views.audit, name="audit"),
    path("measures/<str:code>/", views.measure_detail, name="measure"),
    path("league/", views.league, name="league"),
    path("measures/<str:code>/chase/", views.measure_chase, name="measure_chase"),
    path("measures/<str:code>/milestones/", views.milestone_add, name="milestone_add"),
    path("measures/<str:code>/milestones/approve/", views.milestones_approve, name="milestones_approve"),
    path("milestones/<int:pk>/done/", views.milestone_done, name="milestone_done"),
    path("milestones/<int:pk>/move/", views.milestone_move, name="milestone_move"),
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/<str:period>/", views.round_detail, name="round"),
    path("reports/<int:pk>/", views.report, name="report"),
    path("targets/<str:code>/", views.target_detail, name="target"),
    path("target-reports/<int:pk>/", views.target_report, name="target_report"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
]
