"""The statistics' computed views live in the cache every worker shares, and a change of what they
read (an import, a plan load, an admin edit) retires them for every worker at once."""

import socket

import pytest
from django.core.cache import cache
from django.core.cache.backends.db import DatabaseCache

from steppe.stats import cache as stats_cache
from steppe.stats import queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(plan, published):
    return plan


def test_a_second_worker_reads_what_the_first_computed(loaded):
    """Two processes are two cache objects over the same table: the second finds the first's result."""
    first = queries.plan_attainment(loaded, as_of=2025)
    other_worker = DatabaseCache("steppe_cache", {})
    stored = other_worker.get(stats_cache.key("plan_attainment", loaded.pk, 2025, True))
    assert [ta.target.code for ta in stored] == [ta.target.code for ta in first]


def test_an_import_retires_the_cached_attainment_for_every_worker(loaded, make_csv):
    from steppe.stats.services import observation_import

    before = stats_cache.generation()
    queries.plan_attainment(loaded, as_of=2025)
    observation_import(
        data=make_csv(["内蒙古自治区,rd_expenditure,2024,260,亿元,preliminary,测试公报,https://example.org,2025-09-01"]),
        file_name="t.csv",
    )
    assert DatabaseCache("steppe_cache", {}).get(stats_cache.GENERATION_KEY) > before
    after = queries.plan_attainment(loaded, as_of=2025)
    assert [ta.series[2024].value for ta in after if ta.target.indicator == "rd_expenditure"][:1] == [260]


def test_a_plan_load_retires_the_cached_attainment(loaded):
    from steppe.plans.models import Target

    codes = [ta.target.code for ta in queries.plan_attainment(loaded, as_of=2025)]
    target = Target.objects.get(plan=loaded, code=codes[0])
    target.active = False  # what a plan load that drops a target does
    target.save()
    assert codes[0] not in [ta.target.code for ta in queries.plan_attainment(loaded, as_of=2025)]


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="no Redis server on 127.0.0.1:6379")
def test_the_same_views_work_on_redis(settings, client, loaded):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/8",
            "KEY_PREFIX": "steppe-test",
        }
    }
    cache.clear()
    try:
        first = client.get("/monitoring/").content.decode()
        gen = stats_cache.generation()
        assert client.get("/monitoring/").content.decode().count("<article") == first.count("<article") > 0
        stats_cache.invalidate()
        assert stats_cache.generation() == gen + 1
    finally:
        cache.clear()


def test_the_generation_outlives_the_caches_default_timeout(db):
    """incr on the database cache is get + set with the default timeout (300 s): a counter that
    expired would start again at a number whose day-long entries hold the old figures."""
    from django.db import connection

    stats_cache.generation()
    stats_cache.invalidate()
    with connection.cursor() as c:
        c.execute("SELECT expires FROM steppe_cache WHERE cache_key LIKE %s", [f"%{stats_cache.GENERATION_KEY}"])
        (expires,) = c.fetchone()
    assert expires.year == 9999  # never


def test_a_lost_counter_never_comes_back_to_a_number_used_before(loaded, make_csv):
    from steppe.stats.services import observation_import

    old = queries.plan_attainment(loaded, as_of=2025)
    used = stats_cache.generation()
    cache.delete(stats_cache.GENERATION_KEY)  # evicted, or expired
    assert stats_cache.generation() > used
    observation_import(
        data=make_csv(["内蒙古自治区,rd_expenditure,2024,260,亿元,preliminary,测试公报,https://example.org,2025-09-01"]),
        file_name="t.csv",
    )
    cache.delete(stats_cache.GENERATION_KEY)
    after = queries.plan_attainment(loaded, as_of=2025)
    series = [ta.series for ta in after if ta.target.indicator == "rd_expenditure"][0]
    assert series[2024].value == 260 and old[0].target.code == after[0].target.code
