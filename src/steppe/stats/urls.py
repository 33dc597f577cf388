from django.urls import path

from . import league_views, views

app_name = "stats"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("scorecard/", views.scorecard, name="scorecard"),
    path("indicators/", views.indicator_list, name="indicators"),
    path("indicators/<slug:code>/", views.indicator_detail, name="indicator"),
    path("regions/<str:code>/", views.region_detail, name="region"),
    path("import/", views.import_page, name="import"),
    path("import/template.<str:fmt>", views.template_download, name="template"),
    path("report.<str:fmt>", views.report_download, name="report"),
    path("report/", views.report_job, name="report_job"),
    path("report/<int:pk>.pdf", views.report_file, name="report_file"),
    path("_bare", views.bare, name="bare"),
    path("cascade/", league_views.cascade, name="cascade"),
    path("cascade/<str:code>/edit/", league_views.cascade_edit, name="cascade_edit"),
    path("submissions/", league_views.submission_page, name="submissions"),
    path("bureau/", league_views.bureau_home, name="bureau_home"),
]
