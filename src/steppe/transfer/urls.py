from django.urls import path

from . import views

app_name = "transfer"
urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),
    path("achievements/<uuid:public_id>/", views.achievement_detail, name="achievement"),
    path("demands/<uuid:public_id>/", views.demand_detail, name="demand"),
    path("<str:kind>s/new/", views.listing_new, name="new"),
    path("<str:kind>s/import/", views.listing_import, name="import"),
    path("<str:kind>s/<uuid:public_id>/edit/", views.listing_edit, name="edit"),
    path("<str:kind>s/<uuid:public_id>/<str:action>/", views.listing_action, name="action"),
    path("mine/", views.mine, name="mine"),
    path("scenarios/", views.scenarios, name="scenarios"),
    path("experts/", views.experts, name="experts"),
    path("review/", views.review, name="review"),
    path("broker/", views.broker, name="broker"),
    path("interests/<uuid:public_id>/", views.interest, name="interest"),
    path("contracts/", views.contracts, name="contracts"),
    path("figures/", views.figures, name="figures"),
]
