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
    # the Chinese font travels with the file: a TrueType subset embedded (FontFile2), no CID font
    # left for the reader to supply (STSong-Light was never embedded)
    assert b"WenQuanYiMicroHei" in data and b"/FontFile2" in data
    assert b"STSong-Light" not in data


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


def test_report_map_names_the_12_leagues_and_lists_their_figures(client, loaded):
    from steppe.stats import charts, queries, report

    data = report.report_data(loaded, as_of=2025, with_charts=False)
    rows = {r["region"]: r for r in data["map_rows"]}
    assert len(rows) == 12
    assert rows["包头市"]["value"] == "77.5亿元" and rows["包头市"]["year"] == 2022
    assert rows["阿拉善盟"]["value"] is None  # missing stays missing, never zero
    html = client.get(f"/monitoring/report.html?plan={loaded.code}&as_of=2025").content.decode()
    assert "map-rows" in html and "阿拉善盟" in html
    feats = [
        {"type": "Feature", "geometry": lg.boundary, "properties": {"name": lg.name, "value": None}}
        for lg in queries.leagues()
        if lg.boundary
    ]
    spec = charts.choropleth_spec(feats, title="t", unit="亿元")
    labels = [lyr for lyr in spec["layer"] if lyr.get("mark", {}).get("type") == "text"]
    assert labels and labels[-1]["encoding"]["text"]["field"] == "properties.name"
    named = [f for f in spec["data"]["values"]["features"] if "lon" in f["properties"]]
    assert len(named) == len(feats) == 12  # every league gets its name, from one copy of the data


def test_report_says_part_year_figures_are_not_scored(client, loaded):
    html = client.get(f"/monitoring/report.html?plan={loaded.code}&as_of=2025").content.decode()
    t5 = html.split('<section id="t-T5">')[1].split("</section>")[0]
    assert "非全年数:高新技术企业数(年内时点) 2002家" in t5 and "不参与判定" in t5
