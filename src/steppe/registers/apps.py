from django.apps import AppConfig


class RegistersConfig(AppConfig):
    name = "steppe.registers"
    label = "registers"
    verbose_name = "登记簿 Registers"
