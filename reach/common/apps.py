from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "reach.common"
    label = "common"
