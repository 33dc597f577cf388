from django.apps import AppConfig


class RegistersConfig(AppConfig):
    name = "steppe.registers"
    label = "registers"
    verbose_name = "登记簿 Registers"

    def ready(self):
        from steppe.core.registry import PlatformFigures, measure_records, platform_figures

        # the plan's pages and supervision show, for each measure, what the registers hold for it
        measure_records.register("registers", _measure_records)
        # what the counts read: every register's records (their review decides whether they count)
        # and their links to measures; readers that cache the counts (supervision's lists) see a change at once
        from steppe.core.registry import MEASURE_RECORDS

        from .kinds import KINDS

        MEASURE_RECORDS.watch(*(k.model for k in KINDS.values()))
        MEASURE_RECORDS.watch_links(*(k.model._meta.get_field("measures") for k in KINDS.values()))
        # the monitoring dashboard lists the registers' counts and amounts per league and year
        platform_figures.register("registers", PlatformFigures(
            "registers", _dashboard_rows, title="平台登记的科技创新登记簿(按盟市和年份;已核实记录,贷款按银行登记)",
            labels=DASHBOARD_LABELS))

        # large table imports are background jobs (core.jobs)
        from django.utils.translation import gettext_lazy as _

        from steppe.core.jobs.registry import job_kind

        from .services import IMPORT_KIND, records_import_cleanup, records_import_job

        job_kind(IMPORT_KIND, records_import_job, label=_("登记簿批量导入"),
                 result_template="registers/_import_result.html", cleanup=records_import_cleanup)


DASHBOARD_LABELS = (
    ("platforms_approved", "批准的创新平台"), ("talent", "人才计划入选"), ("talent_funding_wan", "人才经费(万元)"),
    ("cooperation_started", "新开始的科技合作"), ("loans", "创新积分贷笔数"), ("loan_amount_wan", "创新积分贷(万元)"),
    ("investment_amount_wan", "引导基金投资(万元)"),
)


def _dashboard_rows():
    from .queries import dashboard_rows

    return dashboard_rows()


def _measure_records(codes):
    from .queries import measure_records  # at call time: app loading stays light

    return measure_records(codes)
