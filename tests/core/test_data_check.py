"""A number no page can show: refused on input, survived by pages when already stored, listed by `steppe data check`."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from steppe.core.models import ApiToken
from steppe.transfer import services

pytestmark = pytest.mark.django_db

ACHIEVEMENT = {
    "title": "高性能钕铁硼稀土永磁材料制备技术", "description": "晶界扩散工艺。", "field": "材料科学与工程",
    "region": "150100", "readiness": 6, "price_min": "50", "price_max": "120",
}


def test_a_price_of_ten_trillion_wan_is_refused_naming_the_field(client, institution_user):
    r = client.post(
        "/api/v1/transfer/achievements", ACHIEVEMENT | {"price_max": "10000000000000"},
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {ApiToken.objects.issue(institution_user)[1]}",
    )
    assert r.status_code == 400
    assert [e["field"] for e in r.json()["error"]["data"]["errors"]] == ["price_max"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL's numeric(14,2) cannot hold the value at all")
def test_pages_survive_a_bad_number_already_stored_and_the_check_lists_it(
    client, institution_user, department_user, regions
):
    from steppe.transfer.search import reset_index

    reset_index()
    obj = services.listing_submit(actor=institution_user, kind="achievement", data=ACHIEVEMENT)
    services.listing_review(actor=department_user, listing=obj, decision="accept")
    services.listing_publish(actor=department_user, listing=obj)
    with connection.cursor() as cursor:  # as an old import or a hand edit left it
        cursor.execute("UPDATE transfer_achievement SET price_max = 9e999, price_min = 1e13 WHERE id = %s", [obj.pk])
    for url in (f"/transfer/achievements/{obj.public_id}/", "/transfer/search/?q=钕铁硼"):
        assert client.get(url).status_code == 200, url
    assert client.get(f"/api/v1/transfer/achievements/{obj.public_id}").status_code == 200
    client.force_login(institution_user)
    assert client.get("/transfer/mine/").status_code == 200
    client.force_login(department_user)
    assert client.get("/transfer/review/").status_code == 200
    out = StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("data", "check", stdout=out, stderr=StringIO())
    assert exited.value.code == 1
    rows = sorted(line.split("\t")[2] for line in out.getvalue().splitlines() if line.startswith("transfer.Achievement"))
    assert rows == ["price_max", "price_min"]


def test_a_clean_database_passes_the_check(regions):
    out, err = StringIO(), StringIO()
    call_command("data", "check", stdout=out, stderr=err)
    assert out.getvalue() == "" and "0 row(s)" in err.getvalue()
