"""MatchIndex.save / MatchIndex.load: a loaded index answers exactly as the one saved, delta and
tombstones included, keeps working incrementally, and refuses a folder of another format."""

import json

import pytest

from steppe.transfer.matching import Document, Filters, MatchIndex

DOCS = [
    Document(id="a1", title="钕铁硼永磁材料", text="晶界扩散提升矫顽力，降低重稀土用量。", field="材料",
             region="150200", readiness=6, price_min=50, price_max=120, kind="achievement"),
    Document(id="a2", title="煤制烯烃催化剂", text="甲醇制烯烃分子筛催化剂，寿命提升。", field="化工",
             region="150600", readiness=5, kind="achievement"),
    Document(id="d1", title="永磁电机降本需求", text="降低永磁电机中重稀土的用量。", field="材料",
             region="150202", price_min=80, price_max=80, kind="demand"),
    Document(id="e1", title="张工", text="稀土 永磁 内蒙古大学", field="材料", region="150100", kind="expert"),
]  # fmt: skip
QUERIES = ["稀土永磁", "烯烃 催化剂", "重稀土 用量", "内蒙古大学", "矫顽力"]


def _answers(index, **kw):
    return [
        [(m.id, m.score, m.shared_terms, m.field, m.region, m.readiness) for m in index.search(q, **kw).matches]
        for q in QUERIES
    ]


def test_a_loaded_index_answers_as_the_saved_one(tmp_path):
    index = MatchIndex(tombstone_ratio=1.0)  # keep the tombstone (no compaction)
    index.build(DOCS[:3])
    index.add(DOCS[3])  # delta
    index.remove("a2")  # tombstone
    index.save(tmp_path / "v1")
    loaded = MatchIndex.load(tmp_path / "v1", tombstone_ratio=1.0)
    assert len(loaded) == len(index) == 3 and loaded.delta_size == index.delta_size == 1
    assert "a2" not in loaded and loaded.tombstones == 1
    assert _answers(loaded) == _answers(index)
    f = Filters(region="150200", min_readiness=6)
    assert _answers(loaded, filters=f) == _answers(index, filters=f)
    assert loaded.search("稀土永磁", filters=Filters(kind="demand")).ids == ["d1"]


def test_a_loaded_index_keeps_working_incrementally(tmp_path):
    index = MatchIndex()
    index.build(DOCS)
    index.save(tmp_path / "v1")
    loaded = MatchIndex.load(tmp_path / "v1")
    loaded.add(Document(id="a3", title="草原生态修复", text="退化草原补播改良。", field="生态", region="150700"))
    loaded.remove("a1")
    assert loaded.search("草原 修复").ids == ["a3"] and "a1" not in loaded.search("钕铁硼").ids
    loaded.compact()  # folds the delta in from the stored token ids (no texts are kept)
    assert loaded.delta_size == 0 and loaded.tombstones == 0
    assert loaded.search("草原 修复").ids == ["a3"] and loaded.search("煤制烯烃").ids[0] == "a2"
    loaded.save(tmp_path / "v2")
    assert MatchIndex.load(tmp_path / "v2").search("草原 修复").ids == ["a3"]


def test_an_empty_index_saves_and_loads(tmp_path):
    MatchIndex().save(tmp_path / "v")
    loaded = MatchIndex.load(tmp_path / "v")
    assert len(loaded) == 0 and loaded.search("稀土").ids == []


def test_a_folder_of_another_format_is_refused(tmp_path):
    index = MatchIndex()
    index.build(DOCS)
    index.save(tmp_path / "v")
    meta = json.loads((tmp_path / "v" / "index.json").read_text(encoding="utf-8"))
    meta["format"] = 999
    (tmp_path / "v" / "index.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ValueError, match="format 999"):
        MatchIndex.load(tmp_path / "v")
