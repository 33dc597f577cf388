from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "steppe.transfer"
    label = "transfer"
    verbose_name = "一张网 Transfer"

    def ready(self):
        from steppe.core.services import organisation_joiners

        from .services import contracts_join

        organisation_joiners.register("transfer.contracts", contracts_join)

        from steppe.core.registry import SignupProfile, signup_profiles

        from .services import broker_signup_check, broker_signup_create, broker_signup_fields

        # a service agency names its broker when it signs up: the profile exists from the start
        signup_profiles.register("transfer.broker", SignupProfile(
            kind="agency", fields=broker_signup_fields, check=broker_signup_check, create=broker_signup_create))

        from steppe.core.registry import PlatformFigures, platform_figures

        # the statistics dashboard lists the registered contracts beside the published turnover
        platform_figures.register(
            "tech_contract_turnover", PlatformFigures("tech_contract_turnover", _contract_turnover_by_region_year)
        )

        # the cached figures (turnover, the funnel's later stages) are retired when what they read
        # changes (cache.py); querysets' bulk writes retire them through models.FiguresQuerySet
        from steppe.core.models import Region

        from .cache import FIGURES
        from .models import Achievement, Broker, Contract, Demand, Interest

        FIGURES.watch(Contract, Interest, Achievement, Demand, Broker, Region)

        # listings past their validity date expire daily (core.jobs), no external cron
        from django.utils.translation import gettext_lazy as _

        from steppe.core.jobs.registry import daily_at, job_kind, periodic

        job_kind("transfer.expire", _expire_job, label=_("到期成果与需求下架"))
        periodic("transfer.expire", "transfer.expire", at=daily_at("transfer.expire"))

        # the shared search index (transfer.search): written by a job, read by every server process;
        # a listing change queues an update, and a full rebuild runs nightly
        job_kind("transfer.reindex", _reindex_job, label=_("更新检索与匹配索引"), max_attempts=2)
        periodic("transfer.reindex", "transfer.reindex", at=daily_at("transfer.reindex"), params={"full": True})


def _expire_job(ctx) -> dict:
    from .services import listings_expire_due

    return {"expired": listings_expire_due()}


def _reindex_job(ctx, full: bool = False) -> dict:
    from .search import reindex

    return reindex(full=bool(full), progress=lambda message: ctx.progress(0, message=message, force=True))


def _contract_turnover_by_region_year() -> list[dict]:
    from .queries import contract_turnover_by_region_year  # at call time: app loading stays light

    return contract_turnover_by_region_year()
