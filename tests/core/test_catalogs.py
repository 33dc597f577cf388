"""Django merges every English catalog into one (LOCALE_PATHS first, then the apps in INSTALLED_APPS
order), so a msgid two catalogs translate differently shows one app's English everywhere and the
other's is silently lost. Every compiled catalog must therefore agree on every msgid (with its
context): a use that means something else (a status, a button, a count) gets its own context.
The pages below are the cases where the lost English was wrong."""

import gettext
import html
import re
from collections import defaultdict
from pathlib import Path

import pytest

import steppe

SRC = Path(steppe.__file__).parent
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def catalogs() -> dict[str, dict[str, str]]:
    """app (``project`` for LOCALE_PATHS) -> the compiled English catalog; context entries are keyed
    ``context\\x04msgid`` as gettext stores them."""
    found = {}
    for mo in sorted(SRC.rglob("locale/en/LC_MESSAGES/django.mo")):
        app = mo.relative_to(SRC).parts[0]
        with mo.open("rb") as f:
            found["project" if app == "locale" else app] = gettext.GNUTranslations(f)._catalog
    return found


def disagreements(found: dict[str, dict[str, str]]) -> list[str]:
    by_msgid = defaultdict(dict)
    for app, catalog in found.items():
        for msgid, text in catalog.items():
            if msgid:  # the header
                by_msgid[msgid][app] = text
    problems = []
    for msgid, texts in by_msgid.items():
        if len(set(texts.values())) > 1:
            context, _, bare = msgid.rpartition("\x04")
            named = f"{bare!r}" + (f" (context {context!r})" if context else "")
            problems.append(named + ": " + "; ".join(f"{app}={t!r}" for app, t in sorted(texts.items())))
    return problems


def test_the_check_finds_a_msgid_translated_two_ways():
    found = {
        "registers": {"规划": "Planned", "状态\x04运行": "Running"},
        "project": {"规划": "Plan", "运行": "Run"},
    }
    assert disagreements(found) == ["'规划': project='Plan'; registers='Planned'"]
    found["project"]["状态\x04运行"] = "Run"
    assert disagreements(found)[1] == "'运行' (context '状态'): project='Run'; registers='Running'"


def test_every_english_catalog_says_the_same_for_the_same_msgid():
    found = catalogs()
    assert {"project", "core", "registers", "stats", "supervision", "transfer"} <= set(found)
    assert disagreements(found) == []


# ---------------------------------------------------------------- the pages where it showed


def _main(page: str) -> str:
    return re.search(r"<main.*</main>", page, flags=re.S).group(0)


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)))


ACHIEVEMENT = {
    "title": "高性能钕铁硼稀土永磁材料制备技术",
    "description": "采用晶界扩散工艺提升钕铁硼磁体矫顽力，降低重稀土用量，适用于新能源汽车电机。",
    "field": "材料科学与工程",
    "region": "150100",
    "readiness": 6,
    "contact": "0471-0000000",
}


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.django_db
def test_a_platform_in_status_planned_reads_planned_and_the_plans_page_still_reads_plan(english, plan):
    from steppe.registers.models import Platform, PlatformStatus
    from steppe.registers.seed import seed_from_plan

    seed_from_plan()
    lab = Platform.objects.get(name="草原保护生态学全国重点实验室")
    for status, shown in ((PlatformStatus.PLANNED, "Planned"), (PlatformStatus.RUNNING, "Running"),
                          (PlatformStatus.CLOSED, "Closed")):  # fmt: skip
        Platform.objects.filter(pk=lab.pk).update(status=status)
        detail = _text(_main(english.get(f"/registers/platforms/{lab.public_id}/").content.decode()))
        assert f" {shown} " in detail, (status, detail[:400])
    assert "<title>Plan" in english.get("/plans/").content.decode()


@pytest.mark.django_db
def test_a_listing_accepted_in_review_reads_accepted_and_the_button_reads_accept(
    english, department_user, institution_user
):
    from steppe.transfer import services

    listing = services.listing_submit(actor=institution_user, kind="achievement", data=ACHIEVEMENT)
    english.force_login(department_user)
    page = english.get(f"/transfer/achievements/{listing.public_id}/").content.decode()
    assert re.search(r'<span class="status" id="status">Awaiting review</span>', page)
    assert re.search(r'<button type="submit" id="accept">Accept</button>', page)
    services.listing_review(actor=department_user, listing=listing, decision="accept")
    page = english.get(f"/transfer/achievements/{listing.public_id}/").content.decode()
    assert re.search(r'<span class="status" id="status">Accepted</span>', page)
    english.force_login(institution_user)
    mine = _text(_main(english.get("/transfer/mine/").content.decode()))
    assert " Accepted " in mine and not CJK.findall(mine.replace(ACHIEVEMENT["title"], ""))


@pytest.mark.django_db
def test_a_blank_round_keeps_the_space_after_the_count_of_corrections(english, dept, plan):
    english.force_login(dept)
    page = english.post("/supervision/rounds/", {"period": "", "due": ""}).content.decode()
    (box,) = re.findall(r'<li class="msg-error">(.*?)</li>', page, re.S)
    assert html.unescape(box).startswith("To correct (2): ")
