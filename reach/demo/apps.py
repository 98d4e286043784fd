from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo loader (`reach demo`): it sits above every domain app, so `common` stays a leaf."""

    name = "reach.demo"
    label = "demo"
