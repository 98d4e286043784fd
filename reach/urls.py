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
    path("units/", registry_views.unit_tree, name="unit-tree"),
    path("households/", registry_views.household_list, name="household-list"),
    path("households/export.xlsx", registry_views.household_export, name="household-export"),
    path("households/<int:household_id>/", registry_views.household_detail, name="household"),
    path("persons/<int:person_id>/", registry_views.person_detail, name="person"),
    path("imports/", include("reach.registry.import_urls")),
    path("", include("reach.entitlements.urls")),
    path("policies/", include("reach.policy.urls")),
    path("payments/", include("reach.payments.urls")),
    path("indicators/", include("reach.indicators.urls")),
    path("cases/", include("reach.casework.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("language/", accounts_views.set_language, name="set_language"),
]
