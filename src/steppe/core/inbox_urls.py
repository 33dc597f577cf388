from django.urls import path

from . import inbox_views as views

app_name = "inbox"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.inbox_open, name="open"),
    path("<int:pk>/read/", views.inbox_read, name="read"),
    path("read/", views.inbox_read_all, name="read_all"),
    path("preferences/", views.inbox_preferences, name="preferences"),
]
