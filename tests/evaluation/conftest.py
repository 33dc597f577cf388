import pytest


@pytest.fixture
def eval_indicators(regions, db):
    """The statistics dictionary with the evaluation frameworks' indicator definitions."""
    from steppe.evaluation.services import evaluation_indicators_load
    from steppe.stats.services import indicators_load

    indicators_load()
    evaluation_indicators_load()


@pytest.fixture
def league_figures(eval_indicators):
    """Three leagues' figures for three indicators of the league framework, through the statistics import."""
    from steppe.stats.services import observation_import

    rows = [
        "region,indicator,year,value,unit,source_title",
        "呼和浩特市,rd_intensity,2023,1.31,%,测试来源",
        "包头市,rd_intensity,2023,1.62,%,测试来源",
        "鄂尔多斯市,rd_intensity,2023,0.85,%,测试来源",
        "呼和浩特市,cstii_invention_patents_per_10k,2023,9.5,件/万人,测试来源",
        "包头市,cstii_invention_patents_per_10k,2023,6.1,件/万人,测试来源",
        "呼和浩特市,cstii_fiscal_st_share,2023,1.2,%,测试来源",
    ]
    return observation_import(
        data=("\n".join(rows) + "\n").encode("utf-8"), file_name="leagues.csv", via="cli"
    )
