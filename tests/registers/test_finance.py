"""Risk-compensation claims (a bank, on its own loans) and the SOE 三个全覆盖 list."""

import pytest

from steppe.policy.models import credit_code_check_char
from steppe.registers.models import RiskClaim, SoeCoverage

from .conftest import WHITE

pytestmark = pytest.mark.django_db


def test_a_bank_claims_on_its_own_loans_only(plan, white_list, bank_user, other_bank_user, login):
    own = login(bank_user)
    loan = own.post("/api/v1/finance/loans", {"enterprise": WHITE, "amount_wan": "400", "lent_on": "2024-05-20",
                                              "term_months": 12}, content_type="application/json").json()["id"]
    other = login(other_bank_user)
    refused = other.post("/api/v1/finance/claims", {"loan": loan, "claimed_on": "2025-01-10", "amount_wan": "100"},
                         content_type="application/json")
    assert refused.status_code == 400
    assert [e["field"] for e in refused.json()["error"]["data"]["errors"]] == ["loan"]
    too_much = login(bank_user).post("/api/v1/finance/claims", {"loan": loan, "claimed_on": "2025-01-10",
                                                                "amount_wan": "401"}, content_type="application/json")
    assert [e["field"] for e in too_much.json()["error"]["data"]["errors"]] == ["amount_wan"]
    assert not RiskClaim.objects.exists()
    done = login(bank_user).post("/api/v1/finance/claims", {"loan": loan, "claimed_on": "2025-01-10",
                                                            "amount_wan": "100"}, content_type="application/json")
    assert done.status_code == 201
    assert RiskClaim.objects.get().region.code == "150203"
    assert login(other_bank_user).get("/api/v1/finance/claims").json()["count"] == 0


def test_soe_coverage_lists_the_enterprises_still_lacking_one(plan, bureau_user, department_user, login):
    client = login(bureau_user)
    for i, (inst, act, spend) in enumerate((("是", "是", "是"), ("是", "否", "是"))):
        body = "91150200MA00000" + f"{i:02d}"
        answer = client.post("/api/v1/soe", {"name": f"国企{i}", "credit_code": body + credit_code_check_char(body),
                                             "year": 2024, "has_rd_institution": inst, "has_rd_activity": act,
                                             "has_rd_spending": spend, "region": "150200"},
                             content_type="application/json")
        assert answer.status_code == 201, answer.content
    blank = client.post("/api/v1/soe", {"name": "国企9", "credit_code": "91150200MA0000009", "year": 2024,
                                        "has_rd_institution": "", "has_rd_activity": "是", "has_rd_spending": "是",
                                        "region": "150200"}, content_type="application/json")
    assert {e["field"] for e in blank.json()["error"]["data"]["errors"]} >= {"has_rd_institution"}
    dept = login(department_user)
    for obj in SoeCoverage.objects.all():
        dept.post(f"/api/v1/soe/{obj.public_id}/review", {"decision": "verify"}, content_type="application/json")
    page = dept.get("/registers/soe/?year=2024").content.decode()
    lacking = page[page.index('id="lacking"'):]
    assert "国企1" in lacking and "无研发活动" in lacking and "国企0" not in lacking[:lacking.index("</ul>")]
