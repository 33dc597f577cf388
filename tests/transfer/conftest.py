import pytest

from steppe.core.tables import read_records
from steppe.transfer import services
from steppe.transfer.search import reset_index


@pytest.fixture(autouse=True)
def _fresh_index():
    """The matching index is process-wide: each test starts from the database it sets up."""
    reset_index()
    yield
    reset_index()


ACHIEVEMENT = {
    "title": "高性能钕铁硼稀土永磁材料制备技术",
    "description": "采用晶界扩散工艺提升钕铁硼磁体矫顽力，降低重稀土用量，适用于新能源汽车电机。",
    "field": "材料科学与工程",
    "region": "150100",
    "readiness": 6,
    "ip_type": "发明专利",
    "ip_numbers": "ZL202110000001.X",
    "transfer_modes": "转让、许可",
    "price_min": "50",
    "price_max": "120",
    "contact": "0471-0000000",
}
DEMAND = {
    "title": "稀土永磁电机降本需求",
    "description": "企业需要降低永磁电机中重稀土的用量，寻求钕铁硼磁体晶界扩散技术合作。",
    "field": "材料科学与工程",
    "region": "150202",
    "budget": "80",
    "deadline": "2027-06-30",
}


@pytest.fixture
def make_published(department_user):
    def _make(kind, actor, **overrides):
        data = {**(ACHIEVEMENT if kind == "achievement" else DEMAND), **overrides}
        obj = services.listing_submit(actor=actor, kind=kind, data=data)
        services.listing_review(actor=department_user, listing=obj, decision="accept")
        services.listing_publish(actor=department_user, listing=obj)
        obj.refresh_from_db()
        return obj

    return _make


@pytest.fixture
def achievement(make_published, institution_user):
    return make_published("achievement", institution_user)


@pytest.fixture
def demand(make_published, enterprise_user):
    return make_published("demand", enterprise_user)


CONTRACT = {
    "number": "2026150100000123",
    "title": "钕铁硼晶界扩散技术转让合同",
    "type": "技术转让",
    "seller": "内蒙古大学",
    "seller_region": "150100",
    "buyer": "包头稀土新材料有限公司",
    "buyer_region": "150202",
    "amount": "100",
    "tech_amount": "90",
    "signed_on": "2026-03-01",
    "registered_on": "2026-03-15",
    "authority": "呼和浩特市技术合同认定登记站",
}


def read_table(name: str, data: bytes) -> list[dict]:
    """The rows of a CSV/XLSX file as dicts (the shared table reader), for checking exports."""
    return [row for _, row in read_records(data, name)[1]]
