from django.urls import path

from reach.indicators import views

app_name = "indicators"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("persons/", views.person_list, name="persons"),
    path("households/", views.household_list, name="households"),
    path("out-of-school/", views.detection, name="detection"),
]
