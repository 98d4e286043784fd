from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "reach.registry"
    label = "registry"
