"""An enterprise opens its own file: the register's row under its organisation's credit code, or a
new one from what it enters; then the calculator loads it without being asked."""

import pytest

from steppe.core.models import AuditEntry
from steppe.policy.models import Enterprise

from .test_register import BAOTOU, register  # noqa: F401  (the two-enterprise register fixture)

pytestmark = pytest.mark.django_db
NEW_CODE = "91150203MA0000003"


def _code(first17):
    from steppe.core.credit_code import credit_code_check_char

    return first17 + credit_code_check_char(first17)


def test_a_new_file_from_what_the_enterprise_enters(enterprise_user, login):
    client = login(enterprise_user)
    page = client.get("/policy/enterprises/").content.decode()
    assert 'id="open-file"' in page and 'name="region"' in page and 'name="industry"' in page
    bad = client.post("/policy/enterprises/", {"form": "open", "credit_code": "123", "region": "", "registered_on": ""}).content.decode()
    assert bad.count('class="field-error"') == 3 and not Enterprise.objects.exists()
    r = client.post("/policy/enterprises/", {"form": "open", "name": "包头稀土新材料有限公司", "credit_code": _code(NEW_CODE),
                                             "region": "150203", "industry": "C39", "registered_on": "2019-03-01"})  # fmt: skip
    ent = Enterprise.objects.get()
    assert r.status_code == 302 and r.url == f"/policy/enterprises/{ent.public_id}/"
    assert ent.unit == enterprise_user.unit and ent.region.code == "150203"
    assert AuditEntry.objects.filter(action="policy.enterprise.create").count() == 1
    calc = client.get("/policy/").content.decode()
    assert 'id="loaded"' in calc and "包头稀土新材料有限公司" in calc


def test_the_registers_row_joins_the_organisation_of_that_credit_code(register, enterprise_user, login):  # noqa: F811
    baotou, _ = register
    org = enterprise_user.unit
    org.credit_code = BAOTOU
    org.save()
    r = login(enterprise_user).post("/policy/enterprises/", {"form": "open", "credit_code": BAOTOU, "region": "150203",
                                                             "registered_on": "2015-05-01"})  # fmt: skip
    baotou.refresh_from_db()
    assert r.status_code == 302 and baotou.unit == org and Enterprise.objects.count() == 2


def test_a_credit_code_of_another_organisations_file_is_refused(register, enterprise_user, login):  # noqa: F811
    from steppe.core.services import organisation_get_or_create

    baotou, _ = register
    baotou.unit = organisation_get_or_create(name="另一家公司")
    baotou.save()
    page = login(enterprise_user).post("/policy/enterprises/", {"form": "open", "credit_code": BAOTOU, "region": "150203",
                                                                "registered_on": "2015-05-01"}).content.decode()  # fmt: skip
    assert "属于其他单位" in page
    baotou.refresh_from_db()
    assert baotou.unit.name == "另一家公司"


def test_what_the_file_never_had_is_left_to_the_stated_assumptions(enterprise_user):
    from datetime import date

    from steppe.core.models import Region
    from steppe.policy.engine import evaluate
    from steppe.policy.services import enterprise_case, enterprise_year_save

    ent = Enterprise.objects.create(name="包头稀土新材料有限公司", credit_code=_code(NEW_CODE),
                                    region=Region.objects.get(code="150203"), registered_on=date(2019, 3, 1),
                                    unit=enterprise_user.unit)  # fmt: skip
    enterprise_year_save(actor=enterprise_user, enterprise=ent, year=2024,
                         data={"employees": 100, "tech_staff": 20, "revenue": 4000, "rd_expense": 180})  # fmt: skip
    row = enterprise_case(ent, 2024)["years"]["2024"]
    assert "income_total" not in row and "rd_expense_in_china" not in row and row["revenue"] == 4000
    result = evaluate(enterprise_case(ent, 2024), 2024)
    assert result["hte"]["domestic_rd_share"] == 1.0  # all R&D in China, as the note says
    assert any("income_total not given" in n for n in result["notes"])
