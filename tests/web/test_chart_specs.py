"""Chart specs reach the page through Django's json_script: a name holding `</script>` cannot end
the JSON element and run as script."""

import json
import re

import pytest

from steppe.core.models import Region

pytestmark = pytest.mark.django_db

HOSTILE = "包头市</script><script>alert(1)</script>"


def test_a_region_name_with_a_closing_script_tag_stays_inside_the_chart_spec(regions, client):
    Region.objects.filter(code="150200").update(name=HOSTILE)
    html = client.get("/registers/platforms/").content.decode()
    assert "<script>alert(1)" not in html
    specs = re.findall(r'<script id="chart-map-spec" type="application/json">(.*?)</script>', html, re.S)
    assert len(specs) == 1
    # the name arrives whole in the spec the chart draws
    assert HOSTILE in json.dumps(json.loads(specs[0]), ensure_ascii=False)
