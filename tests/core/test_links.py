"""Only http(s) addresses become links: the filter every template uses, and the inputs that store them."""

import pytest
from django.template import Context, Template

from steppe.core.errors import DomainError
from steppe.core.links import MSG_NOT_HTTP, is_web_url


@pytest.mark.parametrize(
    "url",
    ["https://tj.nmg.gov.cn/a.html", "http://example.org/x?y=1", "HTTPS://EXAMPLE.ORG/"],
)
def test_web_addresses_are_links(url):
    assert is_web_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox",
        "//evil.example/x",
        "https://",
        "ftp://example.org/f",
        "",
        None,
    ],
)
def test_anything_else_is_not(url):
    assert not is_web_url(url)


def test_the_template_filter_drops_what_is_not_http():
    t = Template('{% load links %}{% if u|web_url %}<a href="{{ u|web_url }}">x</a>{% else %}{{ u }}{% endif %}')
    assert t.render(Context({"u": "javascript:alert(1)"})) == "javascript:alert(1)"
    assert t.render(Context({"u": "https://example.org/a"})) == '<a href="https://example.org/a">x</a>'


@pytest.mark.django_db
def test_a_statistics_import_refuses_a_javascript_source(regions):
    from steppe.stats.services import indicators_load, observation_import

    indicators_load()
    header = "region,indicator,year,value,unit,status,source_title,source_url,source_date"
    row = "包头市,rd_expenditure,2023,80.1,亿元,final,来源,javascript:alert(document.cookie),2024-01-01"
    with pytest.raises(DomainError) as refused:
        observation_import(data=f"{header}\n{row}\n".encode(), file_name="t.csv")
    [error] = refused.value.data["errors"]
    assert (error["row"], error["column"]) == (2, "source_url")
    assert error["message"].startswith(MSG_NOT_HTTP)


@pytest.mark.django_db
def test_a_javascript_source_already_stored_is_shown_as_text(client, regions):
    from steppe.stats.models import Observation
    from steppe.stats.services import indicators_load, observation_import

    indicators_load()
    header = "region,indicator,year,value,unit,status,source_title,source_url,source_date"
    row = "包头市,rd_expenditure,2023,80.1,亿元,final,来源甲,https://example.org/a,2024-01-01"
    observation_import(data=f"{header}\n{row}\n".encode(), file_name="t.csv")
    obs = Observation.objects.select_related("source").get()
    type(obs.source).objects.filter(pk=obs.source_id).update(url="javascript:alert(1)")
    page = client.get("/monitoring/indicators/rd_expenditure/").content.decode()
    assert 'href="javascript' not in page
    assert "来源甲" in page


def test_every_template_link_from_a_value_goes_through_the_filter():
    """A stored address in href="{{ … }}" passes `web_url`; the exceptions are addresses the
    platform builds itself (navigation, work links, notification links and the projects on a measure, made with reverse())."""
    import re
    from pathlib import Path

    import steppe

    built_by_the_platform = {
        "item.url", "link.url", "n.url", "p.url", "next_step.url",  # reverse() in worklinks, notices, providers
        "job.page",  # core.jobs.service.start refuses anything but a path on this site
        "r.measure_url", "r.report_url",  # reverse() in supervision.views (_cells, _report_cells)
        "page_obj.next_query", "page_obj.previous_query",  # core.pagination: "?" + this request's query
        "row.url",  # transfer's review queue: reverse() once a page (transfer.views._row_url)
    }
    offenders = []
    for template in Path(steppe.__file__).parent.rglob("templates/**/*.html"):
        for value in re.findall(r'(?:href|src)="\{\{\s*([^}]+?)\s*\}\}"', template.read_text()):
            if "|web_url" not in value and value not in built_by_the_platform:
                offenders.append(f"{template.name}: {value}")
    assert offenders == []
