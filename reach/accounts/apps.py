from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "reach.accounts"
    label = "accounts"
