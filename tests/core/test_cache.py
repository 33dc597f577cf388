"""core.cache.Generation: a new generation retires every entry at once, now and again after commit;
a lazy one bumps once per burst of writes in a transaction and still shows each write to its reads."""

import pytest
from django.core.cache import cache

from steppe.core.cache import Generation

pytestmark = pytest.mark.django_db


def _counter(gen: Generation) -> int:
    return cache.get(gen.key_name) or 0


def test_an_entry_is_computed_once_per_generation():
    gen = Generation("test-eager")
    calls = []
    assert gen.remember(("x",), lambda: calls.append(1) or len(calls)) == 1
    assert gen.remember(("x",), lambda: calls.append(1) or len(calls)) == 1
    gen.invalidate()
    assert gen.remember(("x",), lambda: calls.append(1) or len(calls)) == 2


def test_a_write_bumps_now_and_after_commit(django_capture_on_commit_callbacks):
    gen = Generation("test-commit")
    start = gen.current()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        gen.invalidate()
        gen.invalidate()  # one bump after commit for the transaction, however many writes
        assert _counter(gen) == start + 2
    assert len(callbacks) == 1
    assert gen.current() == start + 3


def test_a_lazy_generation_bumps_once_per_burst_and_each_read_sees_the_writes(
    django_capture_on_commit_callbacks,
):
    gen = Generation("test-lazy", lazy=True)
    start = gen.current()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(100):
            gen.invalidate()
        assert _counter(gen) == start + 1  # the later writes only marked it dirty
        assert gen.current() == start + 2  # the next read starts a generation past them
        assert gen.current() == start + 2
        gen.remember(("y",), lambda: "before")
        gen.invalidate()
        assert gen.remember(("y",), lambda: "after") == "after"
    assert gen.current() == start + 4  # and once more at commit
