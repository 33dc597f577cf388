from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "steppe.transfer"
    label = "transfer"
    verbose_name = "一张网 Transfer"
