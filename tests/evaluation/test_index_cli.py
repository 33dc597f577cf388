"""`steppe index build FRAMEWORK --out RESULTS.csv [--uncertainty N] [--seed S]`."""

import csv

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def read(path):
    with open(path, encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def test_build_writes_one_row_per_unit_with_every_aggregate(tmp_path, capsys):
    out = tmp_path / "r.csv"
    call_command("index", "build", "asem-coinr-example", "--out", str(out))
    rows = read(out)
    assert len(rows) == 51
    assert list(rows[0]) == [
        "uCode",
        "Rank",
        "Index",
        "Conn",
        "Sust",
        "Physical",
        "ConEcFin",
        "Political",
        "Instit",
        "P2P",
        "Environ",
        "Social",
        "SusEcFin",
    ]
    assert rows[0]["uCode"] == "CHE" and abs(float(rows[0]["Index"]) - 68.38) < 0.005
    assert "65 cells imputed" in capsys.readouterr().out


def test_uncertainty_adds_rank_intervals_and_the_seed_repeats_them(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    call_command(
        "index", "build", "asem-coinr-example", "--out", str(a), "--uncertainty", "120", "--seed", "5"
    )
    call_command(
        "index", "build", "asem-coinr-example", "--out", str(b), "--uncertainty", "120", "--seed", "5"
    )
    ra = read(a)
    assert list(ra[0])[-3:] == ["Rank_median", "Rank_lo", "Rank_hi"]
    assert ra == read(b)
    assert all(float(r["Rank_lo"]) <= float(r["Rank_median"]) <= float(r["Rank_hi"]) for r in ra)


def test_a_bad_framework_is_refused_with_its_yaml_path(tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text(
        "code: x\nname: x\nlevels: [I, P]\naggregates: [{code: P}]\n"
        "indicators: [{code: a, parent: P, direction: up}]\nsteps: [{normalise: {method: minmax}}, {aggregate: {}}]\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match=r"bad.yaml: indicators\[0\].direction"):
        call_command("index", "build", str(f), "--out", str(tmp_path / "o.csv"))
    assert not (tmp_path / "o.csv").exists()


def test_an_unknown_framework_lists_the_shipped_ones(tmp_path):
    with pytest.raises(CommandError, match="asem-coinr-example"):
        call_command("index", "build", "nope", "--out", str(tmp_path / "o.csv"))
