from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "reach.common"
    label = "common"

    def ready(self) -> None:
        from reach.common import production  # noqa: F401 - registers the deploy check
