"""The daily periodic jobs start at times the environment sets (STEPPE_REMINDERS_AT, ...); a bad
value stops the start-up with a message naming the variable."""

import datetime as dt
import os
import subprocess
import sys

from steppe.core.jobs import registry


def test_the_daily_jobs_start_at_the_times_the_settings_hold(settings):
    times = {p.name: p.at for p in registry.periodic_tasks()}
    assert times["supervision.reminders"] == settings.STEPPE_PERIODIC_AT["supervision.reminders"]
    assert {name: times[name] for name in settings.STEPPE_PERIODIC_AT} == settings.STEPPE_PERIODIC_AT


def _settings_with(**env) -> subprocess.CompletedProcess:
    code = "import steppe.settings as s; print(s.STEPPE_PERIODIC_AT['supervision.reminders'], s.STEPPE_JOBS_LEASE_SECONDS)"
    return subprocess.run([sys.executable, "-c", code], env={**os.environ, **env}, capture_output=True, text=True,
                          timeout=60)


def test_an_operator_moves_the_reminders_to_another_time():
    done = _settings_with(STEPPE_REMINDERS_AT="7:05")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[0] == str(dt.time(7, 5))


def test_a_bad_time_or_number_stops_the_start_up_naming_the_variable():
    for env, named in (({"STEPPE_REMINDERS_AT": "25:00"}, "STEPPE_REMINDERS_AT"),
                       ({"STEPPE_DIGEST_AT": "8 am"}, "STEPPE_DIGEST_AT"),
                       ({"STEPPE_JOBS_LEASE_SECONDS": "ten"}, "STEPPE_JOBS_LEASE_SECONDS")):
        done = _settings_with(**env)
        assert done.returncode != 0
        assert "ImproperlyConfigured" in done.stderr and named in done.stderr.splitlines()[-1], done.stderr
