from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:code>/", views.framework_page, name="framework"),
    path("<slug:code>/build/", views.build_run, name="build"),
    path("<slug:code>/framework/", views.tree_page, name="tree"),
    path("<slug:code>/change/", views.change_page, name="change"),
    path("<slug:code>/export.xlsx", views.export, name="export"),
    path("<slug:code>/units/<str:unit>/", views.unit_page, name="unit"),
]
