def test_the_api_lists_plans_with_their_codes(client, plan):
    response = client.get("/api/v1/plans")
    assert response.status_code == 200
    codes = [p["code"] for p in response.json()]
    assert "nmg-sti-2023-2025" in codes


def test_the_api_gives_a_plan_with_targets_and_actions_and_measures(client, plan):
    data = client.get("/api/v1/plans/nmg-sti-2023-2025").json()
    assert len(data["targets"]) == plan.targets.count()
    actions = [a for a in data["actions"] if a["kind"] == "action"]
    assert len(actions) == 8
    assert all(a["measures"] for a in actions)
    measure = actions[0]["measures"][0]
    assert {"code", "title", "clause", "due_on", "lead_units", "indicators", "tags"} <= set(measure)
    intensity = next(t for t in data["targets"] if t["indicator"] == "rd_intensity")
    assert float(intensity["target_value"]) == 1.5 and intensity["region"] == "150000"


def test_an_unknown_plan_is_a_404_in_the_error_envelope(client, plan):
    response = client.get("/api/v1/plans/nope")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_regions_come_with_boundaries_on_request(client, regions):
    leagues = client.get("/api/v1/regions?level=prefecture&boundaries=true").json()
    assert len(leagues) == 12
    assert all(r["boundary"]["type"] in {"Polygon", "MultiPolygon"} for r in leagues)
    plain = client.get("/api/v1/regions?parent=150200").json()
    assert plain and all(r["boundary"] is None and r["parent"] == "150200" for r in plain)
    one = client.get("/api/v1/regions/150600").json()
    assert one["name"] == "鄂尔多斯市" and one["boundary"]
    assert client.get("/api/v1/regions/999999").status_code == 404


def test_the_openapi_schema_is_served(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/plans" in schema["paths"]
    assert "/api/v1/plans/{code}" in schema["paths"]


def test_malformed_json_gets_the_error_envelope(client, department_user):
    client.force_login(department_user)
    response = client.post("/api/v1/transfer/achievements", data="{not json", content_type="application/json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and error["data"]["errors"][0]["field"] == "body"


def test_a_wrong_field_is_named_in_the_message(client, department_user):
    client.force_login(department_user)
    response = client.post("/api/v1/transfer/achievements", data={"title": 5}, content_type="application/json")
    assert response.status_code == 422
    error = response.json()["error"]
    fields = [e["field"] for e in error["data"]["errors"]]
    assert fields and not any(f.startswith("body") for f in fields)
    assert fields[0] in error["message"]


def test_chinese_is_not_escaped_in_api_answers(client, plan):
    body = client.get("/api/v1/plans").content.decode()
    assert "科技" in body and "\\u" not in body
