from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("<int:pk>/", views.job_page, name="job"),
    path("<int:pk>/panel", views.job_panel, name="panel"),
    path("<int:pk>/retry", views.job_retry, name="retry"),
    path("<int:pk>/cancel", views.job_cancel, name="cancel"),
]
