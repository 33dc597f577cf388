"""Loading plan files into the database: all or nothing, idempotent, versioned."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from steppe.core.errors import DomainError
from steppe.plans.models import Action, Measure, MeasureUnit, Plan, PlanVersion, Target
from steppe.plans.services import BUILTIN_DIR, plan_load

PLAN_FILE = BUILTIN_DIR / "nmg-sti-2023-2025.yaml"


def _state():
    return (
        Plan.objects.count(), PlanVersion.objects.count(), Target.objects.count(), Action.objects.count(),
        Measure.objects.count(), MeasureUnit.objects.count(),
        sorted(Target.objects.values_list("code", "target_value")),
    )


def test_the_real_plan_loads_with_every_target_action_and_measure(plan):
    assert plan.period_start == 2023 and plan.period_end == 2025
    targets = {t.indicator: t for t in plan.targets.all()}
    assert targets["rd_intensity"].kind == "level" and float(targets["rd_intensity"].target_value) == 1.5
    kinds = {t.kind for t in plan.targets.all()}
    assert {"level", "amount", "threshold", "avg_growth", "multiple", "share", "qualitative"} <= kinds
    assert plan.actions.filter(kind="action").count() == 8
    assert plan.actions.filter(kind="safeguard").count() == 3
    assert plan.measures.count() >= 60
    # every measure has at least one lead unit, and inferred ones are marked
    for measure in plan.measures.prefetch_related("unit_links"):
        assert any(mu.role == "lead" for mu in measure.unit_links.all()), measure.code
    assert MeasureUnit.objects.filter(inferred=True).exists()
    assert plan.versions.count() == 1


def test_loading_the_same_file_twice_changes_nothing(plan):
    before = _state()
    result = plan_load(path=PLAN_FILE)
    assert result.status == "unchanged"
    assert _state() == before


def test_an_edited_file_updates_the_plan_and_keeps_the_earlier_version(plan, tmp_path):
    text = PLAN_FILE.read_text(encoding="utf-8")
    measure = plan.measures.order_by("order").first()
    edited = text.replace(measure.title, measure.title + "（修订）", 1)
    assert edited != text
    path = tmp_path / "edited.yaml"
    path.write_text(edited, encoding="utf-8")
    result = plan_load(path=path)
    assert result.status == "updated" and result.version == 2
    assert measure.code in result.changes["measures"]["changed"]
    measure.refresh_from_db()
    assert measure.title.endswith("（修订）")
    from steppe.core.audit import audit_trail

    entry = audit_trail(measure).get(action="plan.measure_changed")
    assert entry.after["title"].endswith("（修订）") and not entry.before["title"].endswith("（修订）")
    versions = list(plan.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].content == text and versions[1].content == edited


def test_a_measure_dropped_from_the_file_is_retired_not_deleted(plan, tmp_path):
    import yaml

    data = yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8"))
    actions = data["actions"]
    dropped = actions[0]["measures"].pop()
    path = tmp_path / "fewer.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    plan_load(path=path)
    m = Measure.objects.get(plan=plan, code=dropped["code"])
    assert m.active is False
    from steppe.core.audit import audit_trail

    assert audit_trail(m).filter(action="plan.measure_retired").exists()


def _broken(tmp_path, mutate):
    import yaml

    data = yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _set_target_year(data):
    data["targets"][2]["target"]["year"] = 2030


def _unknown_kind(data):
    data["targets"][0]["kind"] = "wish"


def _unknown_region(data):
    data["targets"][1]["region"] = "159999"


def _duplicate_measure(data):
    data["actions"][0]["measures"].append(dict(data["actions"][0]["measures"][0]))


@pytest.mark.parametrize(
    ("mutate", "path_fragment", "message_fragment"),
    [
        (_set_target_year, "targets[2].target.year", "must lie within the plan period 2023–2025"),
        (_unknown_kind, "targets[0].kind", ""),
        (_unknown_region, "targets[1].region", "159999"),
        (_duplicate_measure, "actions[0].measures", ""),
    ],
)
def test_a_broken_file_is_refused_with_its_path_and_nothing_is_written(plan, tmp_path, mutate, path_fragment,
                                                                         message_fragment):
    before = _state()
    path = _broken(tmp_path, mutate)
    with pytest.raises(DomainError) as exc:
        plan_load(path=path)
    assert path_fragment in exc.value.message
    assert message_fragment in exc.value.message
    assert any(e["path"].startswith(path_fragment) for e in exc.value.data["errors"])
    assert _state() == before


def test_the_cli_exits_non_zero_on_a_broken_file_and_leaves_the_plan(plan, tmp_path):
    before = _state()
    path = _broken(tmp_path, _set_target_year)
    with pytest.raises(CommandError) as exc:
        call_command("plan", "load", str(path), stdout=StringIO())
    assert "targets[2].target.year: must lie within the plan period 2023–2025" in str(exc.value)
    assert _state() == before


def test_the_cli_refuses_a_file_that_is_not_yaml(plan, tmp_path):
    path = tmp_path / "not.yaml"
    path.write_text("targets: [unclosed\n  - : :", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("plan", "load", str(path), stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("plan", "load", str(tmp_path / "missing.yaml"), stdout=StringIO())


def test_the_cli_validates_without_writing(db, regions):
    out = StringIO()
    call_command("plan", "validate", str(PLAN_FILE), stdout=out)
    assert "valid" in out.getvalue()
    assert Plan.objects.count() == 0


def test_the_cli_loads_and_reports(db, regions):
    out = StringIO()
    call_command("plan", "load", str(PLAN_FILE), stdout=out)
    assert "created, version 1" in out.getvalue()
    out = StringIO()
    call_command("plan", "load", str(Path(PLAN_FILE)), stdout=out)
    assert "unchanged" in out.getvalue()


def test_once_the_indicator_dictionary_is_loaded_an_unknown_indicator_is_refused(plan, tmp_path):
    from django.apps import apps

    indicator = apps.get_model("stats", "Indicator")
    for code in {t.indicator for t in plan.targets.all()} | {i for m in plan.measures.all() for i in m.indicators}:
        indicator.objects.get_or_create(code=code, defaults={"name": code, "unit": "%"})
    before = _state()

    def _misspelt(data):
        data["targets"][1]["indicator"] = "rd_intensty"

    with pytest.raises(DomainError) as exc:
        plan_load(path=_broken(tmp_path, _misspelt))
    assert "targets[1].indicator" in exc.value.message and "rd_intensty" in exc.value.message
    assert _state() == before


def test_the_format_2_links_types_and_lead_departments_are_stored(plan):
    assert plan.format == 2 and plan.lead_departments == ["科技部成果转化与区域创新司", "自治区科技厅"]
    t3 = plan.targets.get(code="T3")
    assert {"A4-09", "A4-01", "A4-02"} <= set(t3.measures.values_list("code", flat=True))
    assert plan.measures.get(code="A3-09").frequency == "per_round"
    assert MeasureUnit.objects.filter(measure__plan=plan, basis="lead_departments", unit__name="自治区科技厅").exists()
    assert list(plan.targets.get(code="Q4").lead_units.values_list("name", flat=True)) == ["自治区科技厅"]


def test_a_format_1_file_still_loads_with_a_reading_of_types_and_links(regions, tmp_path):
    fixture = Path(__file__).resolve().parent / "fixtures" / "valid-minimal.yaml"
    result = plan_load(path=fixture)
    plan = result.plan
    assert plan.format == 2  # stored as read: format 1 upgraded
    a101 = plan.measures.get(code="A1-01")
    assert a101.type == "register" and list(a101.targets.values_list("code", flat=True)) == ["T2"]


def test_the_cli_converts_a_format_1_file_and_the_result_loads_after_naming_the_missing_links(regions, tmp_path):
    import yaml

    fixture = Path(__file__).resolve().parent / "fixtures" / "valid-minimal.yaml"
    out = tmp_path / "new.yaml"
    stdout = StringIO()
    call_command("plan", "convert", str(fixture), "--out", str(out), stdout=stdout)
    assert "T1: no measure names this target" in stdout.getvalue()
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data["format"] == 2
    data["actions"][0]["measures"][1]["targets"] = ["T1", "T3"]
    out.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    plan = plan_load(path=out).plan
    assert sorted(plan.measures.get(code="A1-02").targets.values_list("code", flat=True)) == ["T1", "T3"]
    with pytest.raises(CommandError, match="already format 2"):
        call_command("plan", "convert", str(out), "--out", str(tmp_path / "again.yaml"))
