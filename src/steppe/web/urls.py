from django.urls import path

from . import views

app_name = "web"
urlpatterns = [
    path("plan/", views.plan_public, name="plan_public"),
    path("plans/", views.plans_index, name="plans"),
    path("plans/<slug:code>/", views.plan_public, name="plan"),
    path("plans/<slug:code>/actions/<str:action>/", views.action_detail, name="action"),
]
