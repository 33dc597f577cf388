from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "steppe.transfer"
    label = "transfer"
    verbose_name = "一张网 Transfer"

    def ready(self):
        from steppe.core.services import organisation_joiners

        from .services import contracts_join

        organisation_joiners.register("transfer.contracts", contracts_join)
