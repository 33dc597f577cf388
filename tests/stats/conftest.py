import pytest


@pytest.fixture
def indicators(db):
    from steppe.stats.services import indicators_load

    indicators_load()


@pytest.fixture
def published(regions, indicators):
    """The published statistics, loaded as `steppe stats load-published` does."""
    from steppe.stats.services import published_load

    return published_load()


def csv_bytes(
    rows: list[str],
    header: str = "region,indicator,year,value,unit,status,source_title,source_url,source_date",
) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


@pytest.fixture
def make_csv():
    return csv_bytes


@pytest.fixture
def loaded(plan, published):
    """The plan with the published statistics loaded: attainment can be computed."""
    return plan
