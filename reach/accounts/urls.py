from django.urls import path

from reach.accounts import views

app_name = "accounts"

urlpatterns = [
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/new/", views.token_create, name="token-create"),
    path("tokens/revoke/", views.token_revoke, name="token-revoke"),
]
