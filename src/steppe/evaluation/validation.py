"""The index build's parameters: one validator for the framework page's build button
(evaluation:build), ``POST /api/v1/evaluation/frameworks/{code}/runs`` (its body is made from it)
and services.index_build_check (the command line and the job). Every bad field is named at once, in
the request's language (this app's and core's catalogs); a JSON value of the wrong kind makes the
API answer 422, a refused one 400.
"""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from steppe.core.errors import ValidationFailed
from steppe.core.validation import Errors, JsonInput, body_schema, parse_int, parse_year, write_path

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
        malformed = False
        json = isinstance(data, JsonInput)

        def number(name, parse):
            nonlocal malformed
            value = data.get(name)
            if json and value is not None and (isinstance(value, bool) or not isinstance(value, int | str)):
                malformed = True
                errors.add(name, gettext("“%(value)s” 不是整数") % {"value": value})
                return None
            return errors.take(lambda: parse(value))

        replications = number("replications", lambda v: parse_int(v, "replications", lo=0, hi=MAX_REPLICATIONS,
                                                                   default=0))
        seed = number("seed", lambda v: parse_int(v, "seed", lo=0, hi=MAX_SEED, default=1))
        year = number("year", lambda v: None if v is None or str(v).strip() == "" else parse_year(v))
        method = data.get("method")
        if json and method is not None and not isinstance(method, str):
            malformed = True
            errors.add("method", gettext("应为文本"))
        else:
            method = (method or "").strip()
            if method and method not in fw.methods:
                errors.add("method", gettext("未知的计分方法"))
        if errors:
            exc = ValidationFailed("; ".join(f"{e['field']}: {e['message']}" for e in errors.items), errors.items)
            if malformed:
                exc.status = 422
            raise exc
        return {"method": method, "replications": replications, "seed": seed, "year": year}


BuildBody = body_schema(BuildValidator, BuildValidator.labels(), name="IndexBuildBody")

write_path("evaluation.build", BuildValidator, api=("POST /evaluation/frameworks/{code}/runs",),
           pages=("evaluation:build",))  # fmt: skip
