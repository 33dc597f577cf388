from django.urls import path

from . import views

app_name = "policy"
urlpatterns = [
    path("", views.calculator, name="calculator"),
    path("enterprises/", views.enterprise_list, name="enterprises"),
    path("enterprises/export.csv", views.enterprise_export, name="enterprise_export"),
    path("enterprises/<uuid:public_id>/", views.enterprise_file, name="enterprise"),
    path("runs/", views.runs, name="runs"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("white-list/", views.white_list, name="white_list"),
    path("white-list/<uuid:public_id>/", views.white_list_entry, name="white_list_entry"),
]
