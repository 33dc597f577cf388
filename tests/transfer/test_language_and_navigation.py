"""The transfer pages in English when asked, and a navigation offering only what the role may submit."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_pages_speak_english_when_asked(client, department_user, achievement, demand):
    from django.conf import settings

    client.force_login(department_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for url, english in [
        ("/transfer/search/", "Search and matching"),
        ("/transfer/search/?q=钕铁硼", "Field of the query"),
        (f"/transfer/demands/{demand.public_id}/", "Matching Achievement"),
        ("/transfer/scenarios/", "Application scenario lists"),
        ("/transfer/review/", "Review queue"),
        (f"/transfer/achievements/{achievement.public_id}/", "Published"),  # a status label
        ("/transfer/contracts/", "Technology contract registration"),
        ("/transfer/figures/", "technology contracts registered on the platform"),
        ("/transfer/mine/", "Matches for me"),
        ("/transfer/experts/", "Experts and technology brokers"),
        ("/transfer/achievements/import/", "Check only, write nothing"),
    ]:
        html = client.get(url).content.decode()
        assert english in html, url
        assert "检索与匹配" not in html, url  # the section's own navigation is translated too


def test_the_navigation_offers_only_what_the_role_may_submit(client, broker_user, bank_user, enterprise_user):
    from steppe.transfer import permissions as perms

    for user in (broker_user, bank_user, enterprise_user):
        client.force_login(user)
        html = client.get("/transfer/search/").content.decode()
        for kind in ("achievement", "demand"):
            assert (f'id="nav-new-{kind}"' in html) == perms.can_submit(user, kind), (user.role, kind)
            if f'id="nav-new-{kind}"' in html:
                assert client.get(f"/transfer/{kind}s/new/").status_code == 200
