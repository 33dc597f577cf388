"""One status vocabulary and one colour set: a target's status reads and looks the same on the
monitoring pages, the supervision pages and in the stylesheet."""

import re
from pathlib import Path

import steppe.web
from steppe.stats.attainment import STATUS_COLOURS, STATUS_LABELS
from steppe.supervision.queries import IndicatorTag

CSS = (Path(steppe.web.__file__).parent / "static/web/steppe.css").read_text()


def test_supervision_names_each_status_as_monitoring_does():
    from django.utils import translation

    for status, (zh, en) in STATUS_LABELS.items():
        with translation.override("zh-hans"):
            assert IndicatorTag("x", "x", status).status_label == zh, status
        with translation.override("en"):
            assert IndicatorTag("x", "x", status).status_label == en, status
    assert IndicatorTag("x", "x", None).status_label == ""


def test_the_stylesheet_colours_each_status_as_the_charts_do():
    for status, colour in STATUS_COLOURS.items():
        rules = re.findall(rf"\.status-{status}\b[^{{]*\{{([^}}]*)\}}", CSS)
        assert rules, status
        backgrounds = {m.lower() for r in rules for m in re.findall(r"background:\s*(#[0-9a-fA-F]{6})", r)}
        assert backgrounds == {colour.lower()}, (status, backgrounds)
