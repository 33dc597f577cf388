from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "steppe.policy"
    label = "policy"
    verbose_name = "政策 Policy"

    def ready(self):
        from steppe.core.services import organisation_joiners

        from .services import enterprise_join

        organisation_joiners.register("policy.enterprise", enterprise_join)
