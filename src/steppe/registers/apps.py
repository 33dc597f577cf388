from django.apps import AppConfig


class RegistersConfig(AppConfig):
    name = "steppe.registers"
    label = "registers"
    verbose_name = "登记簿 Registers"

    def ready(self):
        from steppe.core.registry import measure_records

        # the plan's pages and supervision show, for each measure, what the registers hold for it
        measure_records.register("registers", _measure_records)


def _measure_records(codes):
    from .queries import measure_records  # at call time: app loading stays light

    return measure_records(codes)
