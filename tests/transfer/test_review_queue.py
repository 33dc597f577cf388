"""The operators' review queue page (/transfer/review/): each row's forms do what they say, with
the page's own CSRF token; the rows read the same in English; a page holds REVIEW_PAGE_SIZE records
of each kind, oldest first; a league's bureau sees its league only."""

import re

import pytest
from django.conf import settings
from django.test import Client

from steppe.transfer import services
from steppe.transfer.models import Demand, ListingStatus
from steppe.transfer.views import REVIEW_PAGE_SIZE

from .conftest import ACHIEVEMENT, DEMAND

pytestmark = pytest.mark.django_db


def _queue(html: str) -> str:
    start = html.index('id="queue"')
    return html[start : html.index("</table>", start)]


def _forms(html: str) -> dict[str, str]:
    """Each form of the queue's table: its action URL -> what it holds."""
    found = re.findall(
        r'<form method="post" action="([^"]+)" class="inline">(.*?)</form>', _queue(html), re.S
    )
    return dict(found)


def _post(client, forms: dict, action: str, **data):
    inner = forms[action]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', inner)[1]
    nxt = re.search(r'name="next" value="([^"]+)"', inner)[1]
    return client.post(action, {"csrfmiddlewaretoken": token, "next": nxt, **data})


def test_each_rows_forms_accept_return_and_publish(department_user, institution_user, enterprise_user):
    a = services.listing_submit(actor=institution_user, kind="achievement", data=ACHIEVEMENT)
    d = services.listing_submit(actor=enterprise_user, kind="demand", data=DEMAND)
    ready = services.listing_submit(
        actor=institution_user, kind="achievement", data={**ACHIEVEMENT, "title": "已通过的成果"}
    )
    services.listing_review(actor=department_user, listing=ready, decision="accept")
    client = Client(enforce_csrf_checks=True)  # the token the view makes once serves every form
    client.force_login(department_user)

    html = client.get("/transfer/review/").content.decode()
    forms = _forms(html)
    assert set(forms) == {
        f"/transfer/achievements/{a.public_id}/accept/",
        f"/transfer/achievements/{a.public_id}/return/",
        f"/transfer/demands/{d.public_id}/accept/",
        f"/transfer/demands/{d.public_id}/return/",
        f"/transfer/achievements/{ready.public_id}/publish/",
    }
    assert 'name="reason"' in forms[f"/transfer/demands/{d.public_id}/return/"]
    assert (
        f'href="/transfer/achievements/{a.public_id}/"' in html
        and f'href="/transfer/demands/{d.public_id}/"' in html
    )
    assert ">包头稀土新材料有限公司<" in html and ">内蒙古大学<" in html  # the submitting units

    r = _post(client, forms, f"/transfer/demands/{d.public_id}/return/", reason="请补充预算依据")
    assert r.status_code == 302 and r["Location"] == "/transfer/review/"
    d.refresh_from_db()
    assert d.status == ListingStatus.RETURNED and d.review_note == "请补充预算依据"
    assert _post(client, forms, f"/transfer/achievements/{a.public_id}/accept/").status_code == 302
    assert _post(client, forms, f"/transfer/achievements/{ready.public_id}/publish/").status_code == 302
    a.refresh_from_db()
    ready.refresh_from_db()
    assert a.status == ListingStatus.ACCEPTED and ready.status == ListingStatus.PUBLISHED

    forms = _forms(client.get("/transfer/review/").content.decode())
    assert set(forms) == {f"/transfer/achievements/{a.public_id}/publish/"}  # the rest left the queue


def test_the_rows_read_in_the_pages_language(client, department_user, institution_user, enterprise_user):
    services.listing_submit(actor=institution_user, kind="achievement", data=ACHIEVEMENT)
    d = services.listing_submit(actor=enterprise_user, kind="demand", data=DEMAND)
    services.listing_review(actor=department_user, listing=d, decision="accept")  # its button: publish
    client.force_login(department_user)
    zh = _queue(client.get("/transfer/review/").content.decode())
    assert "<td>科技成果</td>" in zh and "<td>技术需求</td>" in zh and "<td>待审核</td>" in zh
    assert ">通过</button>" in zh and ">退回</button>" in zh and 'placeholder="退回理由"' in zh
    assert ">发布</button>" in zh
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    en = _queue(client.get("/transfer/review/").content.decode())
    assert "<td>Achievement</td>" in en and "<td>Demand</td>" in en  # the kind read 科技成果 here
    assert ">Publish</button>" in en  # the button read "Published" (the figures' column word)
    for chinese in ("科技成果", "技术需求", "待审核", "通过", "退回", "发布"):
        assert chinese not in en.replace(ACHIEVEMENT["title"], "").replace(DEMAND["title"], ""), chinese


def test_a_page_holds_so_many_of_each_kind_oldest_first(
    client, department_user, institution_user, enterprise_user
):
    n = REVIEW_PAGE_SIZE + 2
    for i in range(n):
        services.listing_submit(
            actor=institution_user, kind="achievement", data={**ACHIEVEMENT, "title": f"成果{i:02d}"}
        )
    services.listing_submit(actor=enterprise_user, kind="demand", data=DEMAND)
    client.force_login(department_user)

    first = _queue(client.get("/transfer/review/").content.decode())
    shown = re.findall(r">(成果\d\d)</a>", first)
    assert shown == [f"成果{i:02d}" for i in range(REVIEW_PAGE_SIZE)]  # oldest first
    assert DEMAND["title"] in first  # the demands' own first page beside them
    html = client.get("/transfer/review/?achievement_page=2").content.decode()
    assert re.findall(r">(成果\d\d)</a>", _queue(html)) == [
        f"成果{i:02d}" for i in range(REVIEW_PAGE_SIZE, n)
    ]
    assert f"共 {n} 条" in html
    wide = _queue(client.get(f"/transfer/review/?per_page={n}").content.decode())
    assert len(re.findall(r">(成果\d\d)</a>", wide)) == n


def test_a_bureau_sees_its_league_only(client, bureau_user, institution_user, enterprise_user):
    a = services.listing_submit(actor=institution_user, kind="achievement", data=ACHIEVEMENT)  # 150100 Hohhot
    d = services.listing_submit(actor=enterprise_user, kind="demand", data=DEMAND)  # 150202 Baotou
    client.force_login(bureau_user)  # Baotou's bureau
    forms = _forms(client.get("/transfer/review/").content.decode())
    assert f"/transfer/demands/{d.public_id}/accept/" in forms
    assert not any(str(a.public_id) in action for action in forms)
    assert Demand.objects.get(pk=d.pk).status == ListingStatus.SUBMITTED
