"""创新积分贷: a bank records loans against white-listed enterprises and sees only its own."""

import pytest

from steppe.registers.models import Loan

from .conftest import GREY, WHITE

pytestmark = pytest.mark.django_db


def _loan(**over):
    return {"enterprise": WHITE, "amount_wan": "500", "lent_on": "2024-05-20", "term_months": 12,
            "measures": ["A4-05"], **over}


def test_a_bank_records_a_loan_with_the_points_of_the_white_list(plan, white_list, bank_user, login):
    answer = login(bank_user).post("/api/v1/finance/loans", _loan(), content_type="application/json")
    assert answer.status_code == 201, answer.content
    loan = Loan.objects.get(public_id=answer.json()["id"])
    assert loan.bank == bank_user.unit and loan.region.code == "150203"
    assert float(loan.innovation_points) >= 70 and loan.points_year == 2024


def test_a_loan_to_an_enterprise_off_the_white_list_is_refused(plan, white_list, bank_user, login):
    answer = login(bank_user).post("/api/v1/finance/loans", _loan(enterprise=GREY), content_type="application/json")
    assert answer.status_code == 400
    assert answer.json()["error"]["data"]["errors"] == [
        {"field": "enterprise", "message": "该企业不在创新积分白名单上，不能登记创新积分贷"}]
    assert not Loan.objects.exists()


@pytest.mark.parametrize("field,value", [("amount_wan", "NaN"), ("amount_wan", "Infinity"), ("amount_wan", "-5"),
                                         ("amount_wan", "0"), ("amount_wan", "100000000"), ("term_months", 0),
                                         ("term_months", 600), ("lent_on", "2999-01-01"), ("enterprise", "nonsense")])
def test_implausible_numbers_and_dates_are_refused_by_name(plan, white_list, bank_user, login, field, value):
    answer = login(bank_user).post("/api/v1/finance/loans", _loan(**{field: value}), content_type="application/json")
    assert answer.status_code == 400, answer.content
    assert [e["field"] for e in answer.json()["error"]["data"]["errors"]] == [field]
    assert not Loan.objects.exists()


def test_only_a_bank_records_loans(plan, white_list, bureau_user, department_user, login):
    for user in (bureau_user, department_user):
        answer = login(user).post("/api/v1/finance/loans", _loan(), content_type="application/json")
        assert answer.status_code == 403
    assert not Loan.objects.exists()


def test_a_bank_sees_and_edits_only_its_own_loans(plan, white_list, bank_user, other_bank_user, bureau_user,
                                                   other_bureau_user, client, login):
    loan_id = login(bank_user).post("/api/v1/finance/loans", _loan(), content_type="application/json").json()["id"]
    other = login(other_bank_user)
    assert other.get("/api/v1/finance/loans").json()["count"] == 0
    assert other.get(f"/api/v1/finance/loans/{loan_id}").status_code == 404
    assert other.patch(f"/api/v1/finance/loans/{loan_id}", {"amount_wan": "1"},
                       content_type="application/json").status_code == 404
    assert other.get(f"/registers/loans/{loan_id}/").status_code == 404
    assert other.get(f"/registers/loans/{loan_id}/edit/").status_code == 404
    assert Loan.objects.get().amount_wan == 500
    # the Baotou bureau reads its league's loans; Ordos does not; the public sees none
    assert login(bureau_user).get("/api/v1/finance/loans").json()["count"] == 1
    assert login(other_bureau_user).get(f"/api/v1/finance/loans/{loan_id}").status_code == 404
    client.logout()
    assert client.get("/api/v1/finance/loans").json()["count"] == 0
    assert client.get(f"/registers/loans/{loan_id}/").status_code == 404
    # the bank itself edits it, and the audit keeps before and after
    own = login(bank_user)
    changed = own.patch(f"/api/v1/finance/loans/{loan_id}", {"amount_wan": "650"}, content_type="application/json")
    assert changed.status_code == 200, changed.content
    detail = own.get(f"/api/v1/finance/loans/{loan_id}").json()
    assert detail["amount_wan"] == "650.00"
    update = next(h for h in detail["history"] if h["action"] == "registers.loans.update")
    assert (update["before"]["amount_wan"], update["after"]["amount_wan"]) == ("500.00", "650.00")


def test_loan_amounts_per_league_and_year(plan, white_list, bank_user, login):
    client = login(bank_user)
    client.post("/api/v1/finance/loans", _loan(), content_type="application/json")
    client.post("/api/v1/finance/loans", _loan(amount_wan="250.5", lent_on="2024-09-01"),
                content_type="application/json")
    counts = client.get("/api/v1/finance/loans/counts?year=2024").json()["counts"]
    assert counts == [{"league": "150200", "count": 2, "amount_wan": "750.50"}]
    assert client.get("/api/v1/finance/loans/counts?year=2023").json()["counts"] == []
