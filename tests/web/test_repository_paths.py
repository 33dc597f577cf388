"""No page sends a user to a file of the repository (docs/…), which no page serves."""

import pytest

pytestmark = pytest.mark.django_db


def test_no_page_points_a_user_at_a_file_of_the_repository(client, plan, enterprise_user):
    # the calculator said 格式见 docs/policy-calculator.md
    import re

    client.force_login(enterprise_user)
    for lang in ("zh-hans", "en"):
        client.cookies["django_language"] = lang
        for url in ("/", "/policy/", "/transfer/search/", "/monitoring/"):
            text = re.sub(r"<[^>]+>", " ", client.get(url).content.decode())
            assert "docs/" not in text, (url, lang)
