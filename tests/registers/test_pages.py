"""The registers' pages: lists with filters and the league map, the detail page with its history,
filing through the form, review, and what a user may not see answering 404."""

import pytest

from steppe.registers.models import Platform, Talent

pytestmark = pytest.mark.django_db

LAB = {"name": "煤基新材料自治区重点实验室", "kind": "key_lab", "level": "regional", "region": "150200",
       "status": "approved", "approved_on": "2024-05-01", "measures": "A1-07"}


def test_every_register_page_renders_for_the_department(seeded, department_user, login):
    client = login(department_user)
    assert "创新平台" in client.get("/registers/").content.decode()
    for slug in ("platforms", "talent", "cooperation", "loans", "claims", "investments", "listed", "soe"):
        page = client.get(f"/registers/{slug}/")
        assert page.status_code == 200, slug
        assert 'id="chart-map-spec" type="application/json"' in page.content.decode()
        assert client.get(f"/registers/{slug}/export.csv").status_code == 200
    assert client.get("/registers/castles/").status_code == 404


def test_the_list_filters_and_the_map_counts_by_league(seeded, client):
    page = client.get("/registers/platforms/?kind=demonstration_zone").content.decode()
    assert "鄂尔多斯自治区科技成果转移转化示范区" in page and "国家乳业技术创新中心" not in page
    assert "包头市" in page  # the league table beside the map
    # named, not a crash, and not every year's records under a message (a 400, as any page parameter)
    bad_year = client.get("/registers/platforms/?year=abc")
    assert bad_year.status_code == 400 and "year" in bad_year.content.decode()


def test_a_bureau_files_through_the_form_and_the_department_verifies(seeded, bureau_user, department_user, login):
    client = login(bureau_user)
    refused = client.post("/registers/platforms/new/", {**LAB, "level": "provincial"})
    errors = refused.context["form"].errors
    assert refused.status_code == 400 and list(errors) == ["level"]
    assert errors["level"][0] in refused.content.decode()  # beside the field, in the page's words
    assert not Platform.objects.filter(name=LAB["name"]).exists()
    done = client.post("/registers/platforms/new/", LAB)
    lab = Platform.objects.get(name=LAB["name"])
    assert done.status_code == 302 and lab.review == "submitted"
    # not public until verified: 404 for the public, visible to its bureau
    client.logout()
    assert client.get(f"/registers/platforms/{lab.public_id}/").status_code == 404
    dept = login(department_user)
    dept.post(f"/registers/platforms/{lab.public_id}/act/", {"action": "verify"})
    lab.refresh_from_db()
    assert lab.review == "verified"
    detail = dept.get(f"/registers/platforms/{lab.public_id}/").content.decode()
    assert "registers.platforms.submit" in detail and "registers.platforms.verify" in detail


def test_another_league_may_not_see_or_change_a_submitted_record(seeded, bureau_user, other_bureau_user,
                                                                   enterprise_user, login):
    login(bureau_user).post("/registers/platforms/new/", LAB)
    lab = Platform.objects.get(name=LAB["name"])
    for user in (other_bureau_user, enterprise_user):
        client = login(user)
        assert client.get(f"/registers/platforms/{lab.public_id}/").status_code == 404
        assert client.get(f"/registers/platforms/{lab.public_id}/edit/").status_code == 404
        assert client.post(f"/registers/platforms/{lab.public_id}/act/", {"action": "withdraw"}).status_code == 404
    lab.refresh_from_db()
    assert lab.review == "submitted"


def test_only_the_department_verifies(seeded, bureau_user, login):
    client = login(bureau_user)
    client.post("/registers/platforms/new/", LAB)
    lab = Platform.objects.get(name=LAB["name"])
    client.post(f"/registers/platforms/{lab.public_id}/act/", {"action": "verify"})
    lab.refresh_from_db()
    assert lab.review == "submitted"


def test_talent_records_hold_no_identity_numbers_or_addresses():
    names = {f.name for f in Talent._meta.get_fields()}
    assert not names & {"id_number", "identity_card", "address", "home_address", "phone", "birth_date"}


def test_the_map_is_drawn_again_when_the_counts_change(seeded, client):
    """The map is kept in the cache under the counts it shows: a record that counts redraws it."""
    import json

    from steppe.core.models import Region
    from steppe.registers.kinds import KINDS
    from steppe.registers.queries import counted

    def baotou_label() -> str:
        page = client.get("/registers/platforms/").content.decode()
        spec = json.loads(page.split('id="chart-map-spec" type="application/json">', 1)[1].split("</script>", 1)[0])
        text = json.dumps(spec, ensure_ascii=False)
        return text.split('"code": "150200"', 1)[1][:200]

    before = counted(KINDS["platforms"]).filter(region__code__startswith="1502").count()
    assert f"{before} 个" in baotou_label()
    Platform.objects.create(name=LAB["name"], kind="key_lab", level="regional", status="approved",
                            region=Region.objects.get(code="150200"), review="verified")
    assert f"{before + 1} 个" in baotou_label()


def test_a_refused_record_is_summed_up_by_the_fields_labels(seeded, bureau_user, login):
    """The box above the form names each field as the form labels it, never its code, and in English
    joins them with the catalog's separator (a fullwidth one would read as a "中文 English" message)."""
    from django.contrib.messages import get_messages

    client = login(bureau_user)
    r = client.post("/registers/platforms/new/", {**LAB, "level": "provincial", "region": "1"})
    [summary] = [str(m) for m in get_messages(r.wsgi_request)]
    assert summary.startswith("未保存：级别：") and "；地区：" in summary
    assert "level" not in summary and "region" not in summary
    client.cookies["django_language"] = "en"
    r = client.post("/registers/platforms/new/", {**LAB, "level": "provincial", "region": "1"})
    [summary] = [str(m) for m in get_messages(r.wsgi_request)]
    assert summary.startswith("Not saved: Level: ") and "; Region: " in summary and "；" not in summary
    assert not Platform.objects.filter(name=LAB["name"]).exists()
