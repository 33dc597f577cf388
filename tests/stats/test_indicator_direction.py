"""The indicator dictionary's `direction` (+1 higher is better, -1 lower is better, 0 neither) is
read by core.validation.parse_int: a word or an out-of-range number is a named problem of the
file (nothing loaded), not a ValueError or a database constraint failure."""

import pytest

from steppe.core.errors import DomainError
from steppe.stats.models import Indicator
from steppe.stats.services import indicators_load


@pytest.mark.parametrize("direction", ["up", "2", "1.5"])
def test_a_bad_direction_is_named_and_nothing_is_loaded(db, tmp_path, direction):
    p = tmp_path / "ind.yaml"
    p.write_text(
        "indicators:\n  - {code: ok, name: OK, unit: 亿元}\n"
        f"  - {{code: x, name: X, unit: 亿元, direction: '{direction}'}}\n",
        encoding="utf-8",
    )
    with pytest.raises(DomainError) as e:
        indicators_load(path=p)
    assert [err["path"] for err in e.value.data["errors"]] == ["indicators[1].direction"]
    assert not Indicator.objects.filter(code__in=["ok", "x"]).exists()


def test_each_allowed_direction_is_stored(db, tmp_path):
    p = tmp_path / "ind.yaml"
    p.write_text(
        "indicators:\n  - {code: a, name: A, unit: 亿元, direction: -1}\n  - {code: b, name: B, unit: 亿元, direction: 0}\n"
        "  - {code: c, name: C, unit: 亿元}\n",
        encoding="utf-8",
    )
    indicators_load(path=p)
    assert dict(Indicator.objects.filter(code__in="abc").values_list("code", "direction")) == {"a": -1, "b": 0, "c": 1}
