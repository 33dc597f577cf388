"""A measure's page shows what the registers hold for it: "A1-07: 3 个自治区级重点实验室（2024 年）"."""

import pytest

from steppe.core.registry import records_for_measures
from steppe.registers import services
from steppe.registers.kinds import KINDS

pytestmark = pytest.mark.django_db


def _three_key_labs(bureau, department, *, verify=3):
    made = []
    for i, name in enumerate(("稀土冶金", "草原生态修复", "煤基新材料")):
        obj = services.record_submit(actor=bureau, kind=KINDS["platforms"], data={
            "name": f"{name}自治区重点实验室", "kind": "key_lab", "level": "regional", "region": "150200",
            "status": "approved", "approved_on": f"2024-03-0{i + 1}", "measures": "A1-07"})
        made.append(obj)
    for obj in made[:verify]:
        services.record_review(actor=department, obj=obj, decision="verify")
    return made


def test_the_registry_counts_verified_records_of_a_measure(seeded, bureau_user, department_user):
    _three_key_labs(bureau_user, department_user, verify=2)
    [records] = records_for_measures(["A1-07"])["A1-07"]
    assert (records.register, records.count) == ("platforms", 2)
    assert records.groups == ((2, "自治区级重点实验室", 2024),)
    assert records.url.endswith("?measure=A1-07")


def test_seeded_platforms_count_for_their_measures(seeded):
    by_code = records_for_measures(["A1-10", "A1-05", "A2-02"])
    assert by_code["A1-10"][0].count == 6
    assert by_code["A1-05"][0].groups == ((1, "国家级重点实验室", None),)
    assert "A2-02" not in by_code


def test_the_action_page_and_the_supervision_page_show_the_count(seeded, bureau_user, department_user, client, login):
    _three_key_labs(bureau_user, department_user)
    page = client.get("/plans/nmg-sti-2023-2025/actions/A1/").content.decode()
    assert "3 个自治区级重点实验室（2024 年）" in page
    measure = login(department_user).get("/supervision/measures/A1-07/").content.decode()
    assert "3 个自治区级重点实验室（2024 年）" in measure


def test_the_api_gives_a_measures_register_counts(seeded, bureau_user, department_user, client):
    _three_key_labs(bureau_user, department_user)
    answer = client.get("/api/v1/registers/measures?codes=A1-07,A1-06").json()
    assert answer["A1-07"][0]["groups"] == [{"count": 3, "what": "自治区级重点实验室", "year": 2024}]
    assert answer["A1-06"][0]["groups"] == [{"count": 1, "what": "自治区级内蒙古实验室", "year": None}]


def _record_by_record(codes):
    """The definition, one record at a time: (code, register) -> ({(what, year): n}, amount)."""
    from collections import Counter
    from decimal import Decimal

    from steppe.registers.queries import counted, record_year

    out = {}
    for kind in KINDS.values():
        for obj in counted(kind).prefetch_related("measures"):
            if kind.slug == "platforms":
                what = f"{obj.get_level_display()}{obj.get_kind_display()}"
            elif kind.slug == "talent":
                what = str(obj.programme)
            else:
                what = str(kind.label)
            for m in obj.measures.all():
                if m.code in codes:
                    groups, amount = out.setdefault((m.code, kind.slug), (Counter(), [Decimal(0)]))
                    groups[(what, record_year(kind, obj))] += 1
                    if kind.amount_field and getattr(obj, kind.amount_field) is not None:
                        amount[0] += getattr(obj, kind.amount_field)
    return {k: (dict(g), a[0] if KINDS_BY_SLUG[k[1]].amount_field else None) for k, (g, a) in out.items()}


KINDS_BY_SLUG = {k.slug: k for k in KINDS.values()}


def test_the_grouped_counts_equal_the_record_by_record_definition(seeded, white_list, bureau_user, department_user,
                                                                  bank_user, login):  # fmt: skip
    """Platforms by level and kind, talent by programme, loans with their amounts, each by year."""
    from steppe.core.models import Region
    from steppe.plans.models import Measure
    from steppe.registers.models import Talent, TalentProgramme

    from .conftest import WHITE

    _three_key_labs(bureau_user, department_user)
    bank = login(bank_user)
    for amount, day in (("400", "2024-05-20"), ("250.5", "2024-09-01"), ("90", "2025-02-03")):
        assert bank.post("/api/v1/finance/loans", {"enterprise": WHITE, "amount_wan": amount, "lent_on": day,
                                                   "term_months": 12, "measures": "A3-01"},
                         content_type="application/json").status_code == 201  # fmt: skip
    programmes = list(TalentProgramme.objects.order_by("code")[:2])
    assert len(programmes) == 2
    for i, (programme, year) in enumerate([(programmes[0], 2023), (programmes[0], 2024), (programmes[1], 2024)]):
        t = Talent.objects.create(name=f"团队{i}", organisation="内蒙古大学", programme=programme, year=year,
                                  funding_wan=100 + i, review="verified",
                                  region=Region.objects.get(code="150100"))  # fmt: skip
        t.measures.add(Measure.objects.get(code="A5-01"))
    codes = list(Measure.objects.values_list("code", flat=True))
    grouped = {(code, r.register): ({(what, year): n for n, what, year in r.groups}, r.amount)
               for code, items in records_for_measures(codes).items() for r in items}  # fmt: skip
    assert {k[1] for k in grouped} >= {"platforms", "talent", "loans"}
    assert grouped == _record_by_record(set(codes))
