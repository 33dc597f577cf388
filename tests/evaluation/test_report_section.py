"""The composite indices appear in the monitoring report through core.registry.report_sections."""

import io

import openpyxl
import pytest
from django.core.management import call_command

from steppe.core.registry import report_sections
from steppe.evaluation.models import IndexRun
from steppe.evaluation.queries import report_section


@pytest.fixture
def loaded(plan, league_figures):
    from steppe.stats.services import published_load

    published_load()
    return plan


def test_the_section_is_registered():
    assert report_sections.get("evaluation") is report_section


def test_a_failed_run_is_reported_with_its_reason_and_coverage(client, loaded, tmp_path):
    from steppe.evaluation.services import index_run_build

    run = index_run_build(framework="nmg-leagues-cstii")
    assert not run.ok
    sec = report_section(2025)
    text = " ".join(sec.paragraphs)
    assert "盟市综合科技创新水平指数" in text and run.error in text and "缺失数据不按零计" in text
    assert "旗县(市、区)创新型县(市)建设评价:尚未计算" in text
    r = client.get(f"/monitoring/report.html?plan={loaded.code}&as_of=2025")
    assert "附:综合创新评价" in r.content.decode()
    out = tmp_path / "r.xlsx"
    call_command("report", "--plan", loaded.code, "--as-of", "2025", "--out", str(out))
    wb = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))
    assert "附 综合创新评价" in wb.sheetnames
    out_pdf = tmp_path / "r.pdf"
    call_command("report", "--plan", loaded.code, "--as-of", "2025", "--out", str(out_pdf))
    assert out_pdf.read_bytes()[:5] == b"%PDF-"
    assert IndexRun.objects.count() == 1
