"""The monitoring report: PDF with charts, HTML, XLSX; CLI and dashboard."""

import pytest
from django.core.management import call_command


@pytest.fixture
def loaded(plan, published):
    return plan


def test_report_pdf_is_produced_with_charts(loaded, tmp_path):
    out = tmp_path / "report.pdf"
    call_command("report", "--plan", loaded.code, "--as-of", "2025", "--out", str(out))
    data = out.read_bytes()
    assert data[:5] == b"%PDF-"
    assert data.count(b"/Subtype /Image") >= 5  # one chart per quantitative target with data, and the map
    assert b"STSong-Light" in data


def test_report_html_and_xlsx_from_the_dashboard(client, loaded):
    r = client.get(f"/monitoring/report.html?plan={loaded.code}&as_of=2025")
    html = r.content.decode()
    assert (
        r.status_code == 200
        and "目标监测报告" in html
        and "判定依据" in html
        and "data:image/png;base64," in html
    )
    assert "呼和浩特市" in html  # league breakdown
    r = client.get(f"/monitoring/report.xlsx?plan={loaded.code}&as_of=2025")
    assert r.status_code == 200 and r.content[:2] == b"PK"


def test_report_refuses_an_unknown_format(loaded, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=r"\.html, \.pdf or \.xlsx"):
        call_command("report", "--as-of", "2025", "--out", str(tmp_path / "r.doc"))
