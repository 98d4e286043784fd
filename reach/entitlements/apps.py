from django.apps import AppConfig


class EntitlementsConfig(AppConfig):
    name = "reach.entitlements"
    label = "entitlements"
