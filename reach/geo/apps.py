from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "reach.geo"
    label = "geo"
