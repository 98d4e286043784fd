from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "reach.accounts"
    label = "accounts"

    def ready(self) -> None:
        from reach.accounts import signals  # noqa: F401  (connects the receivers)
