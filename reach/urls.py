"""Project-level pages (home, login, logout, language) and each app's pages under its namespace."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from reach.accounts import views as accounts_views
from reach.api import api
from reach.registry import views as registry_views

urlpatterns = [
    path("", registry_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", accounts_views.set_language, name="set_language"),
    path("account/", include("reach.accounts.urls")),
    path("", include("reach.registry.urls")),
    path("", include("reach.entitlements.urls")),
    path("", include("reach.studentfile.urls")),
    path("policies/", include("reach.policy.urls")),
    path("payments/", include("reach.payments.urls")),
    path("indicators/", include("reach.indicators.urls")),
    path("cases/", include("reach.casework.urls")),
    path("funds/", include("reach.funds.urls")),
    path("plans/", include("reach.plans.urls")),
    path("learning/", include("reach.learning.urls")),
    path("intake/", include("reach.intake.urls")),
    path("school-support/", include("reach.schoolsupport.urls")),
    path("reports/", include("reach.reports.urls")),
    path("crosschecks/", include("reach.crosscheck.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
