from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from steppe.api import api
from steppe.core import views as core_views
from steppe.web import views as web_views

urlpatterns = [
    path("", web_views.home, name="home"),
    path("", include("steppe.web.urls")),
    path("accounts/login/", core_views.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("api/", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
    path("monitoring/", include("steppe.stats.urls")),
    path("supervision/", include("steppe.supervision.urls")),
    path("transfer/", include("steppe.transfer.urls")),
    path("policy/", include("steppe.policy.urls")),
    path("evaluation/", include("steppe.evaluation.urls")),
    path("supervision/", include("steppe.challenges.urls")),
    path("registers/", include("steppe.registers.urls")),
    path("accounts/", include("steppe.core.urls")),
    path("inbox/", include("steppe.core.inbox_urls")),
    path("jobs/", include("steppe.core.jobs.urls")),
]
