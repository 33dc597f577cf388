"""My records (/transfer/mine/): the unit's records and negotiations as the view prepares them
(links, status labels, review notes) in both languages, and MINE_MATCHES matches of each kind."""

import re

import pytest
from django.conf import settings

from steppe.transfer import search, services
from steppe.transfer.views import MINE_MATCHES

from .conftest import DEMAND

pytestmark = pytest.mark.django_db


def _section(html: str, start: str, end: str) -> str:
    i = html.index(start)
    return html[i : html.index(end, i)]


def test_the_records_and_negotiations_link_and_read_in_both_languages(
    client, demand, enterprise_user, institution_user, department_user
):
    returned = services.listing_submit(
        actor=enterprise_user, kind="demand", data={**DEMAND, "title": "退回的需求"}
    )
    services.listing_review(
        actor=department_user, listing=returned, decision="return", reason="请补充预算依据"
    )
    interest = services.interest_express(
        actor=institution_user, listing=demand, note="我校可合作"
    )  # its first message
    client.force_login(enterprise_user)

    html = client.get("/transfer/mine/").content.decode()
    table = _section(html, "本单位的记录", "</table>")
    assert (
        f'<td>技术需求</td><td><a href="/transfer/demands/{demand.public_id}/">{demand.title}</a></td><td>已发布</td>'
        in table
    )
    assert (
        f'<a href="/transfer/demands/{returned.public_id}/">退回的需求</a></td><td>退回修改</td><td>请补充预算依据</td>'
        in table
    )
    talks = _section(html, "<h2>洽谈</h2>", "</ul>")
    assert (
        f'<a href="/transfer/interests/{interest.public_id}/">{demand.title}</a> · 已表达意向 · 1 条消息'
        in talks
    )

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/transfer/mine/").content.decode()
    table = _section(html, "<table", "</table>")
    assert f'<td>Demand</td><td><a href="/transfer/demands/{demand.public_id}/">' in table
    rest = table.replace(demand.title, "").replace("退回的需求", "").replace("请补充预算依据", "")
    assert not re.search(r"[\u4e00-\u9fff]", rest), rest  # no Chinese label left in the English table
    assert f'href="/transfer/interests/{interest.public_id}/"' in html


def test_each_group_shows_its_best_few_matches(
    client, demand, enterprise_user, institution_user, make_published
):
    for i in range(MINE_MATCHES + 2):
        make_published("achievement", institution_user, title=f"钕铁硼晶界扩散技术{i}", ip_numbers=f"ZL{i}")
    search.catch_up(force=True)
    client.force_login(enterprise_user)
    html = client.get("/transfer/mine/").content.decode()
    panel = _section(html, '<section class="panel">', "</section>")
    achievements = panel[
        panel.index("<h3>科技成果</h3>") : panel.index("</ol>", panel.index("<h3>科技成果</h3>"))
    ]
    assert achievements.count('<li class="hit"') == MINE_MATCHES
    html = client.get(f"/transfer/demands/{demand.public_id}/").content.decode()
    assert html.count('data-kind="achievement"') == MINE_MATCHES + 2  # the record's own page lists them all
