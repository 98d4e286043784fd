from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "reach.policy"
    label = "policy"
