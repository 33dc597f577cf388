from django.urls import path

from . import views

app_name = "registers"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.record_list, name="list"),
    path("<slug:slug>/new/", views.record_new, name="new"),
    path("<slug:slug>/import/", views.record_import, name="import"),
    path("<slug:slug>/export.<str:fmt>", views.record_export, name="export"),
    path("<slug:slug>/<uuid:public_id>/", views.record_detail, name="detail"),
    path("<slug:slug>/<uuid:public_id>/edit/", views.record_edit, name="edit"),
    path("<slug:slug>/<uuid:public_id>/act/", views.record_act, name="act"),
]
