"""Shared fixtures: the real plan, the reference regions, and a persona per role."""

import os
import re
from pathlib import Path

import pytest

os.environ.setdefault("STEPPE_TESTING", "1")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the reference regions (they are reference data, like a migration)."""
    from steppe.core.regions import regions_load

    with django_db_blocker.unblock():
        regions_load()


@pytest.fixture
def regions(db):
    """The reference regions; transactional tests (live_server) flush them, so they are re-ensured."""
    from steppe.core.regions import regions_ensure

    regions_ensure()


@pytest.fixture
def plan(regions):
    from steppe.plans.services import plan_load_builtin

    results = plan_load_builtin()
    return next(r.plan for r in results if r.plan.code == "nmg-sti-2023-2025")


def _make_user(username, role, *, region=None, unit=None, email="", load_regions=True):
    """Every persona is made here: through the service, with the regions loaded, one password."""
    from steppe.core.regions import regions_ensure
    from steppe.core.services import user_create

    if load_regions or region:
        regions_ensure()

    user, _, _ = user_create(
        username=username, role=role, region=region, unit=unit, email=email, password="pass-word-123"
    )
    return user


@pytest.fixture
def department_user(db):
    return _make_user("dept", "department", unit="自治区科技厅")


@pytest.fixture
def bureau_user(db):
    return _make_user("baotou-bureau", "bureau", region="150200", unit="包头市科学技术局")


@pytest.fixture
def other_bureau_user(db):
    return _make_user("ordos-bureau", "bureau", region="150600", unit="鄂尔多斯市科学技术局")


@pytest.fixture
def lead_unit_user(db):
    return _make_user("lead", "lead_unit", unit="自治区科技厅成果转化处")


@pytest.fixture
def enterprise_user(db):
    return _make_user("firm", "enterprise", region="150202", unit="包头稀土新材料有限公司")


@pytest.fixture
def institution_user(db):
    return _make_user("univ", "institution", region="150100", unit="内蒙古大学")


@pytest.fixture
def broker_user(db):
    return _make_user("broker", "broker", region="150100", unit="蒙科聚技术转移中心")


@pytest.fixture
def bank_user(db):
    return _make_user("bank", "bank", region="150100", unit="某银行内蒙古分行")


@pytest.fixture
def expert_user(db):
    return _make_user("expert", "expert")


@pytest.fixture
def public_client(client):
    return client


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


# ---------------------------------------------------------------- supervision and 揭榜挂帅 personas


def _user(username, role, unit, email=""):
    return _make_user(username, role, unit=unit, email=email, load_regions=False)


@pytest.fixture
def make_user(db):
    """``make_user(username, role, unit_name, email="")``: a further persona for a test's own cast."""
    return _user


@pytest.fixture
def dept(db, regions):
    return _user("sup-dept", "department", "自治区科技厅", "dept@example.org")


@pytest.fixture
def firm_user(regions):
    return _make_user("sup-firm", "enterprise", unit="包头某稀土企业", region="150202")


@pytest.fixture
def univ_user(regions):
    return _make_user("sup-univ", "institution", unit="内蒙古某大学", region="150100")


@pytest.fixture
def expert(regions):
    return _user("sup-expert", "expert", None)


@pytest.fixture
def expert2(regions):
    return _user("sup-expert2", "expert", None)


@pytest.fixture
def bearer(db):
    """Headers with a fresh API token of ``user``: ``client.get(url, **bearer(user))``."""
    from steppe.core.models import ApiToken

    def make(user):
        _, raw = ApiToken.objects.issue(user, name="test")
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    return make


class I18nChecks:
    """What every app's English-switch tests check, written once: template text outside the
    translation tags, and an app's catalog (complete, nothing fuzzy, compiled after its last edit)."""

    CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")

    @staticmethod
    def outside_translation(source: str) -> str:
        source = re.sub(r"\{% blocktranslate.*?%\}.*?\{% endblocktranslate %\}", "", source, flags=re.S)
        source = re.sub(r"\{%.*?%\}", "", source, flags=re.S)  # translate tags, and tag arguments
        return re.sub(r"\{\{.*?\}\}", "", source, flags=re.S)  # data

    def untranslated(self, template: Path) -> list[str]:
        """Chinese a template shows without the catalog: outside the translation tags, or as a
        literal inside {{ }} (yesno:"是,否", default:"无" would never be translated either)."""
        source = template.read_text()
        problems = []
        left = self.CJK.findall(self.outside_translation(source))
        if left:
            problems.append(f"{template.name}: untranslated text {''.join(left)[:60]}")
        data = "".join(re.findall(r"\{\{.*?\}\}", source, flags=re.S))
        data = re.sub(r"""_\((["']).*?\1\)""", "", data)  # _("、") is translated
        if self.CJK.findall(data):
            problems.append(f"{template.name}: Chinese literal in a variable: {data[:80]}")
        return problems

    def catalog_problems(self, app_dir: Path, *, at_least: int = 1) -> list[str]:
        """An app's English catalog: at least ``at_least`` entries, every one translated, none
        fuzzy (fuzzy entries are not used at run time), and django.mo compiled after django.po."""
        po_path = app_dir / "locale/en/LC_MESSAGES/django.po"
        mo_path = po_path.with_suffix(".mo")
        po = po_path.read_text()
        entries = re.findall(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n)+)', po + "\n", re.M)
        problems = []
        if len(entries) < at_least:
            problems.append(f"only {len(entries)} entries, expected at least {at_least}")
        empty = [
            "".join(re.findall(r'"(.*)"', i)) for i, s in entries[1:] if not "".join(re.findall(r'"(.*)"', s))
        ]
        if empty:
            problems.append(f"untranslated: {empty[:5]}")
        if "#, fuzzy" in po:
            problems.append("fuzzy entries are not used at run time: review them and drop the flag")
        if mo_path.stat().st_mtime < po_path.stat().st_mtime - 1:
            problems.append("django.mo is older than django.po: run `make messages`")
        return problems


@pytest.fixture(scope="session")
def i18n_checks() -> I18nChecks:
    return I18nChecks()


@pytest.fixture
def steady_search_index(monkeypatch):
    """For query-count tests: the search index's catch-up with the database runs at most once a
    second, in whichever request crosses that second, so a measured request may or may not include
    it. Held still here; the returned function brings the index up to date (call it just before
    the measured request), so the count is the page's own queries."""
    from steppe.transfer import search

    monkeypatch.setattr(search, "CATCH_UP_EVERY_SECONDS", float("inf"))
    return lambda: search.catch_up(force=True)


@pytest.fixture
def speak(client):
    """speak(language): the client's next requests are in `language` (the language cookie)."""
    from django.conf import settings

    def _speak(language):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    return _speak
