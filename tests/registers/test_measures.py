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
