"""`steppe stats ...` and `steppe report ...` from the command line."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from steppe.stats.models import Observation


def test_stats_import_dry_run_then_import(published, tmp_path, capsys):
    f = tmp_path / "new.csv"
    f.write_text(
        "region,indicator,year,value,unit,source_title\n通辽市,gdp,2023,1500,亿元,通辽统计公报\n",
        encoding="utf-8",
    )
    call_command("stats", "import", str(f), "--dry-run")
    out = capsys.readouterr().out
    assert "dry run" in out and "1 added" in out
    assert not Observation.objects.filter(region__code="150500").exists()
    call_command("stats", "import", str(f))
    assert Observation.objects.filter(region__code="150500", indicator__code="gdp", year=2023).exists()


def test_stats_import_error_names_row_and_column(published, tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text(
        "region,indicator,year,value,unit,source_title\n通辽市,gdp,2023,x,亿元,s\n", encoding="utf-8"
    )
    with pytest.raises(CommandError, match=r"第 2 行, 列 value"):
        call_command("stats", "import", str(f))


def test_load_published_is_idempotent(published, capsys):
    call_command("stats", "load-published")
    assert "nothing to change" in capsys.readouterr().out


def test_template_command_writes_both_formats(indicators, tmp_path):
    call_command("stats", "template", str(tmp_path / "t.xlsx"))
    call_command("stats", "template", str(tmp_path / "t.csv"))
    assert (tmp_path / "t.xlsx").read_bytes()[:2] == b"PK"
    assert (tmp_path / "t.csv").read_text(encoding="utf-8-sig").startswith("region,indicator,year,value,unit")
