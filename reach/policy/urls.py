from django.urls import path

from reach.policy import views

app_name = "policy"
urlpatterns = [
    path("", views.policy_list, name="policy-list"),
    path("<slug:code>/", views.policy_detail, name="policy"),
    path("<slug:code>/edit/", views.policy_edit, name="policy-edit"),
]
