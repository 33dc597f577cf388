"""The plan file format (steppe.plans.schema): the real plan parses completely; every kind of bad
file is refused with the YAML path and a plain message. No database needed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from steppe.plans import schema
from steppe.plans.schema import (
    TARGET_KINDS,
    BaselineSpec,
    PlanFormatError,
    UnitRef,
    load_plan_file,
    parse_plan,
)

ROOT = Path(__file__).resolve().parents[2]
PLAN_FILE = ROOT / "src/steppe/plans/data/nmg-sti-2023-2025.yaml"
INDICATOR_DICTIONARY = ROOT / "src/steppe/stats/data/indicators.yaml"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED_TEXT = (FIXTURES / "plan-2023-2025.zh-hans.txt").read_text(encoding="utf-8")
MINIMAL = (FIXTURES / "valid-minimal.yaml").read_text(encoding="utf-8")

KNOWN_REGIONS = {"100000", "150000", "150100", "150200", "150600"}
KNOWN_INDICATORS = {"rd_intensity", "rd_expenditure", "high_tech_enterprises"}


def issues_of(text: str, **kwargs) -> list[tuple[str, str]]:
    with pytest.raises(PlanFormatError) as info:
        parse_plan(text, **kwargs)
    return [(i.path, i.message) for i in info.value.issues]


def edited(**changes) -> str:
    """The minimal plan with top-level fields replaced (None deletes), dumped back to YAML."""
    data = yaml.safe_load(MINIMAL)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def minimal_data() -> dict:
    return yaml.safe_load(MINIMAL)


def dump(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


# --- the real plan ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def plan():
    return load_plan_file(PLAN_FILE)


def test_the_real_plan_has_its_metadata(plan):
    assert plan.code == "nmg-sti-2023-2025"
    assert plan.title == "内蒙古高质量发展科技赋能实施方案(2023—2025年)"
    assert plan.issuers == ["科技部", "内蒙古自治区人民政府"]
    assert plan.issued_on == date(2023, 12, 29)
    assert (plan.period_start, plan.period_end) == (2023, 2025)
    assert plan.language == "zh-hans"
    assert "111500000115122718/2024-00715" in plan.source_url
    assert "科技赋能实施方案" in plan.source_title


def test_the_real_plan_has_eight_actions_then_three_safeguards(plan):
    assert [(a.code, a.kind, a.number) for a in plan.actions] == [
        *[(f"A{n}", "action", n) for n in range(1, 9)],
        *[(f"S{n}", "safeguard", n) for n in range(1, 4)],
    ]
    titles = [a.title for a in plan.actions]
    assert titles[0] == "重大创新平台能级提升行动"
    assert titles[7] == "科技合作交流拓展行动"
    assert titles[8:] == ["加强组织领导", "加强任务落实", "加强宣传引导"]
    assert all(a.measures for a in plan.actions)


def test_the_real_plan_encodes_every_target_of_section_one(plan):
    by_code = {t.code: t for t in plan.targets}
    got = {
        (t.indicator, t.kind, t.target_value, t.comparison, t.statement or None, t.unit)
        for t in by_code.values()
        if t.indicator
    }
    assert got == {
        ("rd_expenditure", "avg_growth", Decimal("12"), ">", None, "亿元"),
        ("rd_intensity", "level", Decimal("1.5"), ">=", None, "%"),
        ("rd_expenditure", "amount", Decimal("375"), ">=", None, "亿元"),
        ("tech_contract_turnover", "threshold", Decimal("100"), ">", None, "亿元"),
        ("high_tech_enterprises", "multiple", Decimal("2"), ">=", None, "家"),
        ("tech_smes", "multiple", Decimal("2"), ">=", None, "家"),
        ("share_industrial_enterprises_with_rd", "share", Decimal("35"), ">", None, "%"),
        ("regional_innovation_index", "qualitative", None, ">=", "稳中有升", "index"),
    }
    assert all(t.region == "150000" and t.target_year == 2025 for t in plan.targets)
    assert {t.kind for t in plan.targets} == set(TARGET_KINDS)


def test_the_35_percent_share_and_the_national_middle_are_one_target(plan):
    [share] = [t for t in plan.targets if "全国中游水平" in t.clause]
    assert share.code == "T7" and share.kind == "share"
    assert share.clause == "规模以上工业企业中有研发活动企业占比超过35%,达到全国中游水平"
    assert share.peers == schema.PeerSpec(scope="provinces", reach="median")
    assert not [t for t in plan.targets if t.indicator == "regional_innovation_capability_rank"]


def test_the_six_qualitative_goals_are_targets_with_a_lead_unit(plan):
    goals = {t.code: t for t in plan.targets if t.code.startswith("Q")}
    assert [g.clause for g in goals.values()] == [
        "区域科技创新体系全面完善",
        "在现代能源经济、现代农牧业等特色产业领域形成独特技术优势",
        "基本融入国家创新体系布局",
        "科技创新体制机制更加灵活",
        "科技创新领域开放合作更加高效",
        "创新生态更具吸引力",
    ]
    for goal in goals.values():
        assert goal.kind == "qualitative" and goal.indicator == ""
        assert goal.lead_units == [UnitRef("自治区科技厅", False, "lead_departments")], goal.code
        assert goal.measures, goal.code


def test_every_measure_has_a_type_and_every_target_its_measures(plan):
    measures = {m.code: m for _, m in plan.iter_measures()}
    assert {m.type for m in measures.values()} == set(schema.MEASURE_TYPES)
    for m in measures.values():
        assert (m.type == "recurring") == bool(m.frequency), m.code
    assert measures["A3-09"].type == "recurring" and measures["A3-09"].frequency == "per_round"  # 定期发布场景清单
    assert measures["A6-05"].type == "project"  # 揭榜挂帅 hangs on it
    for t in plan.targets:
        assert t.measures, t.code
        for code in t.measures:
            assert t.code in measures[code].targets
    assert set(plan.targets[2].measures) >= {"A4-09", "A4-01", "A4-02"}  # T3 (375亿元) is driven by section 四


def test_bundled_items_are_split_and_the_missing_clause_of_four_is_encoded(plan):
    measures = {m.code: m for _, m in plan.iter_measures()}
    assert "白云鄂博稀土资源研究与综合利用" in measures["A1-03"].clause
    assert "特种车辆设计制造集成技术" in measures["A1-15"].clause
    assert "特种车辆" not in measures["A1-03"].clause
    assert measures["A4-09"].clause == "强化全社会研发经费多元投入,提升研发投入水平和科技创新能力"


def test_the_plan_names_its_lead_departments_and_they_lead_without_inference(plan):
    assert plan.lead_departments.units == ["科技部成果转化与区域创新司", "自治区科技厅"]
    assert plan.lead_departments.clause in SEED_TEXT
    a3 = next(a for a in plan.actions if a.code == "A3")
    assert a3.measures[0].lead_units[0] == UnitRef("自治区科技厅", False, "lead_departments")


def test_unit_names_follow_the_current_organisation_of_government():
    text = PLAN_FILE.read_text(encoding="utf-8")
    assert "中心支行" not in text  # the 2023 reform made them 中国人民银行 provincial branches
    assert "中国人民银行内蒙古自治区分行" in text


def test_growth_and_doubling_targets_start_from_the_2022_statistics(plan):
    for target in plan.targets:
        if target.kind in ("avg_growth", "multiple"):
            assert target.baseline == BaselineSpec(year=2022, value=None, from_statistics=True), target.code


def test_every_clause_is_quoted_verbatim_from_the_plan(plan):
    for target in plan.targets:
        assert target.clause in SEED_TEXT, target.code
    for action in plan.actions:
        assert action.clause in SEED_TEXT, action.code
        for measure in action.measures:
            assert measure.clause in SEED_TEXT, measure.code


def test_every_measure_is_complete(plan):
    measures = [m for _, m in plan.iter_measures()]
    assert 60 <= len(measures) <= 100
    assert len({m.code for m in measures}) == len(measures)
    for action, measure in plan.iter_measures():
        assert measure.code.startswith(action.code + "-")
        assert measure.title and measure.lead_units, measure.code
        assert date(2023, 1, 1) <= measure.due <= date(2025, 12, 31)
        assert measure.tags, measure.code


def test_units_the_text_names_are_not_marked_inferred(plan):
    s2 = next(a for a in plan.actions if a.code == "S2")
    assert s2.measures[0].lead_units == [
        UnitRef("科技部成果转化与区域创新司", False),
        UnitRef("自治区科技厅", False),
    ]
    # The eight actions name no lead unit: every one recorded there is inferred, or is one of the
    # plan's lead departments (三(二)).
    for action, measure in plan.iter_measures():
        if action.kind == "action":
            assert all(u.inferred or u.basis == "lead_departments" for u in measure.lead_units), measure.code


def test_topic_tags_cover_the_plans_fields(plan):
    tags = {t for _, m in plan.iter_measures() for t in m.tags}
    assert {
        "稀土",
        "乳业",
        "种业",
        "草业",
        "能源",
        "人才",
        "金融",
        "税收",
        "平台",
        "成果转化",
        "合作",
    } <= tags


def test_the_real_plan_uses_indicators_of_the_statistics_dictionary(plan):
    dictionary = yaml.safe_load(INDICATOR_DICTIONARY.read_text(encoding="utf-8"))["indicators"]
    units = {i["code"]: i["unit"] for i in dictionary}
    load_plan_file(PLAN_FILE, known_indicators=set(units))  # raises on an unknown code
    for target in plan.targets:
        if target.indicator:
            assert target.unit == units[target.indicator], target.code


# --- every kind of bad file ------------------------------------------------------------------

BAD_FILES = [
    ("bad-syntax.yaml", "$", "not valid YAML at line 8, column 6"),
    ("bad-duplicate-key.yaml", "$", "duplicate key 'code' (first given at line 2)"),
    ("bad-missing-title.yaml", "title", "is required"),
    ("bad-wrong-type-issuers.yaml", "issuers", "must be a list"),
    ("bad-wrong-type-value.yaml", "targets[0].target.value", "must be a number"),
    ("bad-unknown-field.yaml", "targets[0].clasue", "unknown field"),
    ("bad-unknown-kind.yaml", "targets[0].kind", "unknown target kind 'percentage'; use one of level"),
    ("bad-avg-growth-incomplete.yaml", "targets[1].target.rate", "a target of kind avg_growth needs a rate"),
    ("bad-avg-growth-incomplete.yaml", "targets[1].baseline", "needs a baseline year"),
    (
        "bad-multiple-without-factor.yaml",
        "targets[2].target.factor",
        "a target of kind multiple needs a factor",
    ),
    (
        "bad-multiple-without-factor.yaml",
        "targets[2].target.value",
        "does not apply to a target of kind multiple",
    ),
    ("bad-qualitative-without-statement.yaml", "targets[0].target.statement", "needs a statement"),
    ("bad-target-year.yaml", "targets[2].target.year", "must lie within the plan period 2023–2025"),
    ("bad-baseline-after-target.yaml", "targets[2].baseline.year", "must be before the target year 2025"),
    ("bad-duplicate-target-code.yaml", "targets[1].code", "duplicate code 'T1' (already used at targets[0])"),
    (
        "bad-duplicate-action-code.yaml",
        "safeguards[0].code",
        "duplicate code 'A1' (already used at actions[0])",
    ),
    ("bad-duplicate-measure-code.yaml", "actions[0].measures[1].code", "duplicate code 'A1-01'"),
    (
        "bad-due-outside-period.yaml",
        "actions[0].measures[1].due",
        "must lie within the plan period 2023–2025",
    ),
    (
        "bad-due-unparseable.yaml",
        "actions[0].measures[1].due",
        "'2024-06-31' is not a date; write YYYY-MM-DD",
    ),
    ("bad-empty-measures.yaml", "safeguards[0].measures", "must list at least one measure"),
    ("bad-no-lead-unit.yaml", "actions[0].measures[1].lead_units", "must name at least one lead unit"),
    ("bad-unknown-region.yaml", "targets[0].region", "unknown region code '159999'"),
    ("bad-unknown-indicator.yaml", "targets[0].indicator", "unknown indicator 'rd_intensityy'"),
    ("not-yaml.txt", "$", "not a plan file"),
    ("not-utf8.yaml", "$", "not UTF-8 text"),
]


@pytest.mark.parametrize(("name", "path", "message"), BAD_FILES)
def test_it_refuses_each_kind_of_bad_file(name, path, message):
    with pytest.raises(PlanFormatError) as info:
        load_plan_file(FIXTURES / name, known_regions=KNOWN_REGIONS, known_indicators=KNOWN_INDICATORS)
    found = [i for i in info.value.issues if i.path == path]
    assert found, f"no issue at {path}: {info.value}"
    assert any(message in i.message for i in found), str(info.value)


def test_the_minimal_fixture_is_valid_so_each_bad_file_breaks_only_its_rule():
    spec = load_plan_file(
        FIXTURES / "valid-minimal.yaml", known_regions=KNOWN_REGIONS, known_indicators=KNOWN_INDICATORS
    )
    assert [t.code for t in spec.targets] == ["T1", "T2", "T3"]


def test_a_target_year_outside_the_period_reads_exactly_as_documented():
    with pytest.raises(PlanFormatError) as info:
        load_plan_file(FIXTURES / "bad-target-year.yaml")
    assert str(info.value) == "targets[2].target.year: must lie within the plan period 2023–2025"


def test_a_yaml_syntax_error_names_its_line():
    [(path, message)] = issues_of("code: x\ntitle: [unclosed\nperiod: {start: 2023}\n")
    assert path == "$"
    assert message.startswith("not valid YAML at line ")


def test_an_unreadable_character_is_one_issue_on_one_line():
    [(path, message)] = issues_of("code: x\x00\n")
    assert path == "$" and "\n" not in message


def test_it_reports_every_issue_at_once_one_per_line():
    data = minimal_data()
    data["title"] = ""
    data["targets"][0]["kind"] = "ratio"
    data["targets"][2]["target"]["year"] = 2030
    data["actions"][0]["measures"][0]["lead_units"] = []
    with pytest.raises(PlanFormatError) as info:
        parse_plan(dump(data))
    error = info.value
    assert [i.path for i in error.issues] == [
        "title",
        "targets[0].kind",
        "targets[2].target.year",
        "actions[0].measures[0].lead_units",
    ]
    assert str(error).splitlines() == [f"{i.path}: {i.message}" for i in error.issues]
    assert str(error.issues[0]) == "title: must not be empty"


def test_missing_required_fields_are_named_by_path():
    data = minimal_data()
    del data["targets"][1]["indicator"]
    del data["actions"][0]["measures"][1]["clause"]
    del data["period"]["end"]
    paths = [p for p, _ in issues_of(dump(data))]
    assert {"period.end", "targets[1].indicator", "actions[0].measures[1].clause"} <= set(paths)
    assert dict(issues_of(edited(actions=None)))["actions"] == "is required"


def test_wrong_types_are_refused():
    data = minimal_data()
    data["period"]["start"] = "二〇二三"
    data["targets"][0]["target"]["value"] = True
    data["actions"][0]["measures"][0]["tags"] = "平台"
    data["actions"][0]["measures"][0]["lead_units"] = [{"name": "自治区科技厅", "inferred": "是"}]
    found = dict(issues_of(dump(data)))
    assert found["period.start"] == schema.MSG_NOT_YEAR
    assert found["targets[0].target.value"] == schema.MSG_NOT_NUMBER
    assert found["actions[0].measures[0].tags"] == schema.MSG_NOT_LIST
    assert found["actions[0].measures[0].lead_units[0].inferred"] == schema.MSG_NOT_BOOL


def test_value_kinds_need_a_value_and_take_no_rate():
    for kind in ("level", "amount", "threshold", "share"):
        data = minimal_data()
        data["targets"][0]["kind"] = kind
        data["targets"][0]["target"] = {"year": 2025, "rate": 5}
        found = dict(issues_of(dump(data)))
        assert found["targets[0].target.value"] == f"a target of kind {kind} needs a value"
        assert found["targets[0].target.rate"] == f"does not apply to a target of kind {kind}"


def test_a_multiple_target_needs_a_baseline():
    data = minimal_data()
    del data["targets"][2]["baseline"]
    found = dict(issues_of(dump(data)))
    assert found["targets[2].baseline"].startswith("a target of kind multiple needs a baseline")


def test_a_share_lies_between_0_and_100_percent():
    data = minimal_data()
    data["targets"][0].update(kind="share", unit="家", target={"year": 2025, "value": 135})
    found = dict(issues_of(dump(data)))
    assert "between 0 and 100" in found["targets[0].target.value"]
    assert found["targets[0].unit"] == 'a share target is measured in "%"'


def test_a_statement_belongs_to_qualitative_targets_only():
    data = minimal_data()
    data["targets"][0]["target"]["statement"] = "稳中有升"
    assert dict(issues_of(dump(data)))["targets[0].target.statement"] == (
        "does not apply to a target of kind level"
    )


def test_comparison_is_ge_or_gt():
    data = minimal_data()
    data["targets"][0]["target"]["comparison"] = "<="
    assert "targets[0].target.comparison" in dict(issues_of(dump(data)))


def test_a_baseline_value_is_a_number_or_from_statistics():
    data = minimal_data()
    data["targets"][2]["baseline"] = {"year": 2022, "value": "统计公报"}
    assert "from_statistics" in dict(issues_of(dump(data)))["targets[2].baseline.value"]


def test_baseline_from_statistics_shorthand_means_the_year_before_the_period():
    data = minimal_data()
    data["targets"][1]["baseline"] = "from_statistics"
    spec = parse_plan(dump(data))
    assert spec.targets[1].baseline == BaselineSpec(year=2022, value=None, from_statistics=True)


def test_a_baseline_in_the_target_year_is_refused():
    data = minimal_data()
    data["targets"][1]["baseline"]["year"] = 2025
    assert dict(issues_of(dump(data)))["targets[1].baseline.year"] == "must be before the target year 2025"


def test_a_measure_code_starts_with_its_actions_code():
    data = minimal_data()
    data["actions"][0]["measures"][1]["code"] = "A2-01"
    assert dict(issues_of(dump(data)))["actions[0].measures[1].code"] == (
        "must start with its action's code, e.g. A1-01"
    )


def test_a_unit_is_either_lead_or_cooperating_and_listed_once():
    data = minimal_data()
    measure = data["actions"][0]["measures"][1]
    measure["lead_units"] = ["自治区科技厅", "自治区科技厅"]
    measure["cooperating_units"] = ["自治区科技厅"]
    found = dict(issues_of(dump(data)))
    assert found["actions[0].measures[1].lead_units[1]"] == "自治区科技厅 is listed twice"
    assert found["actions[0].measures[1].cooperating_units[0]"] == "自治区科技厅 is already a lead unit"


def test_region_codes_are_six_digits_and_known_when_a_list_is_given():
    data = minimal_data()
    data["targets"][0]["region"] = "1500"
    assert dict(issues_of(dump(data)))["targets[0].region"] == schema.MSG_BAD_REGION
    data["targets"][0]["region"] = 150200  # unquoted: read as a number, still a valid code
    assert parse_plan(dump(data), known_regions=KNOWN_REGIONS).targets[0].region == "150200"


def test_unknown_indicators_are_refused_in_targets_and_measures_when_a_list_is_given():
    data = minimal_data()
    data["actions"][0]["measures"][0]["indicators"] = ["rd_expenditure", "gdp_per_capita"]
    text = dump(data)
    parse_plan(text)  # without a list any well-formed code passes
    assert dict(issues_of(text, known_indicators=KNOWN_INDICATORS)) == {
        "actions[0].measures[0].indicators[1]": "unknown indicator 'gdp_per_capita'"
    }


def test_the_due_date_defaults_to_the_end_of_the_period_and_keeps_an_earlier_one():
    spec = parse_plan(MINIMAL)
    first, second = spec.actions[0].measures
    assert first.due == date(2025, 12, 31)
    assert second.due == date(2024, 6, 30)


def test_units_are_named_or_inferred():
    spec = parse_plan(MINIMAL)
    first, second = spec.actions[0].measures
    assert first.lead_units == [UnitRef("自治区科技厅", True)]
    assert second.lead_units == [UnitRef("自治区科技厅", False)]


def test_numbers_become_exact_decimals():
    spec = parse_plan(MINIMAL)
    assert spec.targets[0].target_value == Decimal("1.5")
    assert spec.targets[1].target_value == Decimal("12")
    assert spec.targets[1].target_value_unit == "%/年"
    assert spec.targets[2].target_value_unit == "倍"


def test_too_long_text_is_refused_before_it_reaches_the_database():
    data = minimal_data()
    data["targets"][0]["unit"] = "万元" * 20
    assert dict(issues_of(dump(data)))["targets[0].unit"].startswith("is too long")


def test_an_empty_or_unreadable_file_is_an_issue_at_the_root(tmp_path):
    assert issues_of("") == [("$", issues_of("")[0][1])]
    assert "empty" in issues_of("")[0][1]
    assert issues_of("- a\n- b\n") == [("$", schema.MSG_NOT_A_PLAN)]
    with pytest.raises(PlanFormatError) as info:
        load_plan_file(tmp_path / "missing.yaml")
    assert info.value.issues[0].path == "$"
    assert "cannot read" in info.value.issues[0].message


def test_a_newer_format_version_is_refused():
    assert "unsupported format version 3" in dict(issues_of(edited(format=3)))["format"]


# --- format 2 ---------------------------------------------------------------------------------


def format2_data() -> dict:
    """The minimal plan as format 2: every measure typed, every target linked."""
    data = minimal_data()
    data["format"] = 2
    data["lead_departments"] = {"units": ["自治区科技厅"], "clause": "自治区科技厅作为牵头部门"}
    measures = [m for a in data["actions"] + data["safeguards"] for m in a["measures"]]
    for m in measures:
        m["type"] = "one_off"
    measures[0].update(type="register", targets=["T1", "T2"])
    measures[1].update(targets=["T3"])
    measures[2].update(type="recurring", frequency="per_round")
    return data


def test_a_format_2_file_reads_types_links_and_lead_departments():
    spec = parse_plan(dump(format2_data()))
    assert spec.format == 2 and spec.lead_departments.units == ["自治区科技厅"]
    first, second = spec.actions[0].measures
    assert (first.type, first.targets) == ("register", ["T1", "T2"])
    assert [t.measures for t in spec.targets] == [["A1-01"], ["A1-01"], ["A1-02"]]
    assert spec.actions[1].measures[0].frequency == "per_round"


@pytest.mark.parametrize(
    ("edit", "path", "message"),
    [
        (lambda d: d["actions"][0]["measures"][0].pop("type"), "actions[0].measures[0].type", "is required"),
        (lambda d: d["actions"][0]["measures"][0].update(type="policy"), "actions[0].measures[0].type",
         "unknown measure type 'policy'"),
        (lambda d: d["safeguards"][0]["measures"][0].pop("frequency"), "safeguards[0].measures[0].frequency",
         "needs a frequency"),
        (lambda d: d["actions"][0]["measures"][1].update(frequency="yearly"), "actions[0].measures[1].frequency",
         "only a recurring measure has a frequency"),
        (lambda d: d["actions"][0]["measures"][1].update(targets=["T9"]), "actions[0].measures[1].targets[0]",
         "unknown target 'T9'"),
        (lambda d: d["actions"][0]["measures"][1].update(targets=[]), "targets[2].code",
         "T3: no measure names this target"),
        (lambda d: d["actions"][0]["measures"][0].update(lead_units=[{"name": "科技部", "via": "lead_departments"}]),
         "actions[0].measures[0].lead_units[0]", "科技部 is not one of the plan's lead_departments"),
        (lambda d: d["targets"].append({"code": "Q1", "name": "体系", "kind": "qualitative", "region": "150000",
                                        "target": {"year": 2025, "statement": "全面完善"}, "clause": "体系全面完善"}),
         "targets[3].lead_units", "a qualitative target needs lead_units"),
        (lambda d: d["targets"][1].update(peers={"scope": "provinces"}), "targets[1].peers",
         "applies to a level or share target"),
    ],
)
def test_format_2_refuses_each_broken_rule_naming_its_path(edit, path, message):
    data = format2_data()
    edit(data)
    found = [m for p, m in issues_of(dump(data)) if p == path]
    assert any(message in m for m in found), found


def test_format_2_fields_in_a_format_1_file_are_refused():
    data = minimal_data()
    data["actions"][0]["measures"][0]["type"] = "register"
    assert "write format: 2" in dict(issues_of(dump(data)))["actions[0].measures[0].type"]


def test_a_format_1_file_is_upgraded_with_types_and_links_from_its_indicators():
    from steppe.plans.convert import upgrade

    spec = upgrade(parse_plan(MINIMAL))
    first, second = spec.actions[0].measures
    assert first.type == "register"  # 加快建设内蒙古实验室
    assert first.targets == ["T2"]  # it lists rd_expenditure, T2's indicator
    assert spec.actions[1].measures[0].type == "recurring"  # 定期调度


def test_the_converter_writes_a_file_that_reads_back_as_the_same_plan():
    from steppe.plans.convert import plan_to_yaml, upgrade

    old = parse_plan(MINIMAL)
    written = plan_to_yaml(old)
    # no measure of the minimal plan lists T1's or T3's indicator: format 2 asks for those links
    assert issues_of(written) == [
        ("targets[0].code", f"T1: {schema.MSG_TARGET_UNDRIVEN}"),
        ("targets[2].code", f"T3: {schema.MSG_TARGET_UNDRIVEN}"),
    ]
    data = yaml.safe_load(written)
    data["actions"][0]["measures"][1]["targets"] = ["T1", "T3"]
    new = parse_plan(dump(data))
    upgraded = upgrade(old)
    assert new.format == 2
    assert [(t.code, t.kind, t.target_value, t.baseline) for t in new.targets] == [
        (t.code, t.kind, t.target_value, t.baseline) for t in upgraded.targets
    ]
    assert [(m.code, m.type, m.frequency, m.clause, m.lead_units, m.due) for _, m in new.iter_measures()] == [
        (m.code, m.type, m.frequency, m.clause, m.lead_units, m.due) for _, m in upgraded.iter_measures()
    ]
