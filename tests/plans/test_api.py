"""GET /api/v1/plans/{code}: format 2 parts (measure types and frequencies, target<->measure links,
the plan's lead departments) as scripts read them."""


def test_each_measure_says_its_type_and_a_recurring_one_its_frequency(client, plan):
    data = client.get("/api/v1/plans/nmg-sti-2023-2025").json()
    measures = {m["code"]: m for a in data["actions"] for m in a["measures"]}
    assert {m["type"] for m in measures.values()} == {"mechanism", "project", "register", "recurring", "one_off"}
    assert measures["A3-09"]["type"] == "recurring" and measures["A3-09"]["frequency"] == "per_round"
    assert measures["A1-06"]["type"] == "register" and measures["A1-06"]["frequency"] is None
    assert all((m["type"] == "recurring") == (m["frequency"] is not None) for m in measures.values())


def test_targets_name_their_measures_and_measures_their_targets(client, plan):
    data = client.get("/api/v1/plans/nmg-sti-2023-2025").json()
    measures = {m["code"]: m for a in data["actions"] for m in a["measures"]}
    targets = {t["code"]: t for t in data["targets"]}
    assert "A4-09" in targets["T3"]["measures"] and "T3" in measures["A4-09"]["targets"]
    for t in targets.values():
        assert t["measures"], t["code"]
        assert all(t["code"] in measures[code]["targets"] for code in t["measures"])
    assert targets["T7"]["peers"] == {"scope": "provinces", "reach": "median"}
    assert targets["Q1"]["lead_units"] == ["自治区科技厅"] and targets["Q1"]["indicator"] == ""


def test_the_plan_names_its_lead_departments_and_their_lead_is_not_inferred(client, plan):
    data = client.get("/api/v1/plans/nmg-sti-2023-2025").json()
    assert data["format"] == 2
    assert data["lead_departments"] == ["科技部成果转化与区域创新司", "自治区科技厅"]
    a3 = next(a for a in data["actions"] if a["code"] == "A3")
    assert a3["measures"][0]["lead_units"][0] == {"name": "自治区科技厅", "inferred": False, "basis": "lead_departments"}
