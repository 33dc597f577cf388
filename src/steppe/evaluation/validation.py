"""The index build's parameters: one validator for the framework page's build button
(evaluation:build), ``POST /api/v1/evaluation/frameworks/{code}/runs`` (its body is made from it)
and services.index_build_check (the command line and the job). Every bad field is named at once, in
the request's language (this app's and core's catalogs); a JSON value of the wrong kind makes the
API answer 422, a refused one 400.
"""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from steppe.core.validation import YEAR_MAX, YEAR_MIN, Errors, body_schema, read_int, read_text, write_path

MAX_REPLICATIONS = 20000
MAX_SEED = 2**32 - 1  # numpy's generators take a seed below 2**32


class BuildValidator:
    """What a build is asked: Monte Carlo replications (0–20000), a scoring method of the framework
    (blank: its default), the random seed and the data year (blank: the latest)."""

    LABELS = {"replications": _("蒙特卡洛模拟次数"), "method": _("计分方法"), "seed": _("随机种子"),
              "year": _("数据年份")}  # fmt: skip

    @classmethod
    def labels(cls) -> dict:
        return dict(cls.LABELS)

    @staticmethod
    def clean(fw, data: dict) -> dict:
        """{method, replications, seed, year} for the framework `fw`, or ValidationFailed naming
        every bad field."""
        errors = Errors()
        replications = read_int(data, "replications", errors, lo=0, hi=MAX_REPLICATIONS, default=0)
        seed = read_int(data, "seed", errors, lo=0, hi=MAX_SEED, default=1)
        year = read_int(data, "year", errors, lo=YEAR_MIN, hi=YEAR_MAX)
        method = read_text(data, "method", errors)
        if method and method not in fw.methods:
            errors.add("method", gettext("未知的计分方法"))
        errors.check()
        return {"method": method, "replications": replications, "seed": seed, "year": year}


BuildBody = body_schema(BuildValidator, BuildValidator.labels(), name="IndexBuildBody")

write_path("evaluation.build", BuildValidator, api=("POST /evaluation/frameworks/{code}/runs",),
           pages=("evaluation:build",))  # fmt: skip
