from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "steppe.policy"
    label = "policy"
    verbose_name = "政策 Policy"
