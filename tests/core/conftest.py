import pytest


@pytest.fixture(autouse=True)
def _fresh_matching_index():
    """Some core tests publish transfer records; the matching index is process-wide, so it starts
    and ends empty here as in tests/transfer (later tests rebuild it from their own database)."""
    from steppe.transfer.search import reset_index

    reset_index()
    yield
    reset_index()
