"""Registers fixtures: the plan and its seed, a white-listed enterprise, two banks."""

import io

import pytest

from steppe.policy.models import Enterprise, credit_code_check_char


def code(body17: str) -> str:
    return body17 + credit_code_check_char(body17)


WHITE = code("91150203MA0000001")  # Baotou, innovation points above the threshold
GREY = code("91150602MA0000002")  # Ordos, below it
HEADER = ("credit_code,name,region,industry,registered_on,hte_certificate_issued_on,tsme_registration_number,year,"
          "employees,tech_staff,revenue,income_total,total_costs,total_assets,net_assets,hightech_revenue,"
          "rd_expense,ip_class_i,ip_class_ii,conversions,income_by_industry\n")


def _rows(credit, name, region):
    out = ""
    for y, rev, na in ((2022, 3000, 1000), (2023, 3500, 1200), (2024, 4000, 1500)):
        out += (f"{credit},{name},{region},C3985,2015-05-01,,,{y},100,30,{rev},{rev},{rev * 0.9},5000,{na},"
                f"{rev * 0.7},{rev * 0.06},1,3,4,C3985:{rev}\n")
    return out


@pytest.fixture
def seeded(plan):
    from steppe.registers.seed import seed_from_plan

    seed_from_plan()
    return plan


@pytest.fixture
def white_list(regions):
    """Two enterprises; the Baotou one on the innovation-points white list of a 2024 run."""
    from steppe.policy.services import policy_run, register_import

    register_import(io.StringIO(HEADER + _rows(WHITE, "包头稀土新材料有限公司", "150203")
                                + _rows(GREY, "鄂尔多斯能源科技有限公司", "150602")), filename="x.csv")
    Enterprise.objects.filter(credit_code=WHITE).update(innovation_score_official=82)
    Enterprise.objects.filter(credit_code=GREY).update(innovation_score_official=40)
    policy_run(2024)
    return Enterprise.objects.get(credit_code=WHITE), Enterprise.objects.get(credit_code=GREY)


@pytest.fixture
def other_bank_user(db):
    from tests.conftest import _make_user

    return _make_user("bank2", "bank", region="150200", unit="另一家银行包头分行")
