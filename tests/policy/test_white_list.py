"""The white list as a bank uses it: the score broken down (by class on the list, by indicator on
an enterprise's page), filters by league and score, an export; nothing beyond the list."""

import pytest

from steppe.policy import innovation
from steppe.policy.models import InnovationModel, PolicyResult
from steppe.policy.services import policy_run

from .test_register import BAOTOU, ORDOS, register  # noqa: F401  (the two-enterprise register fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def both_listed(register):  # noqa: F811
    # a low line so both enterprises of the register are on the list with our own (unofficial) score
    InnovationModel.objects.create(name="测试", weights=dict(innovation.DEFAULT_WEIGHTS), white_list_threshold=10,
                                   active=True)  # fmt: skip
    policy_run(2024)
    return register


def test_the_score_is_the_sum_of_its_parts(both_listed):
    for r in PolicyResult.objects.filter(white_list=True):
        parts = r.trace["innovation"]
        assert set(parts) == set(innovation.INDICATORS)
        assert sum(parts.values()) == pytest.approx(r.innovation_points, abs=0.1)


def test_the_list_filters_by_league_and_score_and_shows_classes(both_listed, bank_user, login):
    client = login(bank_user)
    page = client.get("/policy/white-list/").content.decode()
    assert "包头稀土新材料有限公司" in page and "鄂尔多斯能源科技有限公司" in page
    assert "技术创新" in page and "成长经营" in page and "rd_intensity" not in page and "full marks" not in page
    baotou_only = client.get("/policy/white-list/?league=150200").content.decode()
    assert "包头稀土新材料有限公司" in baotou_only and "鄂尔多斯能源科技有限公司" not in baotou_only
    top = max(PolicyResult.objects.filter(white_list=True), key=lambda r: r.innovation_points)
    above = client.get(f"/policy/white-list/?min={top.innovation_points}").content.decode()
    assert top.enterprise.name in above
    none = client.get(f"/policy/white-list/?min={top.innovation_points + 1}").content.decode()
    assert "共 0 家企业" in none and top.enterprise.name not in none
    bad = client.get("/policy/white-list/?min=abc").content.decode()
    assert "最低积分须为数字" in bad


def test_the_export_has_the_filtered_rows_and_the_class_points(both_listed, bank_user, login):
    resp = login(bank_user).get("/policy/white-list/?league=150600&format=csv")
    text = resp.content.decode("utf-8-sig")
    header, *rows = [line for line in text.splitlines() if line]
    assert header.split(",")[:5] == ["企业", "统一社会信用代码", "旗县区", "年度", "创新积分"]
    assert "技术创新" in header and len(rows) == 1 and ORDOS in rows[0]


def test_an_enterprise_page_breaks_the_score_down_and_nothing_else(both_listed, bank_user, login):
    baotou, _ = both_listed
    client = login(bank_user)
    page = client.get(f"/policy/white-list/{baotou.public_id}/").content.decode()
    assert 'id="score-parts"' in page and "研发投入强度" in page and BAOTOU in page
    assert "销售收入" not in page.split('id="score-parts"')[0]  # the file's figures are not shown
    assert client.get(f"/policy/enterprises/{baotou.public_id}/").status_code == 404


def test_an_enterprise_off_the_list_is_404_for_a_bank(register, bank_user, enterprise_user, login):  # noqa: F811
    baotou, _ = register
    policy_run(2024)  # the default line (70): neither is on the list
    assert login(bank_user).get(f"/policy/white-list/{baotou.public_id}/").status_code == 404
    assert login(enterprise_user).get("/policy/white-list/").status_code == 404
