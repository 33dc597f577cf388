"""The matching package on its own: no database."""

import json

import pytest

from steppe.transfer.matching import Document, Filters, MatchIndex, evaluate, highlight
from steppe.transfer.matching import tokenize as tk

DOCS = [
    Document(
        "a1",
        "稀土永磁材料的制备工艺与磁性能研究，钕铁硼磁体矫顽力提升。",
        field="材料",
        region="150200",
        readiness=6,
        price_min=50,
        price_max=80,
        kind="achievement",
    ),
    Document(
        "a2",
        "稀土抛光粉的回收利用与材料表征。",
        field="材料",
        region="150203",
        readiness=4,
        price_min=10,
        price_max=20,
        kind="achievement",
    ),
    Document(
        "a3",
        "高温合金材料的蠕变性能与微观组织。",
        field="材料",
        region="150100",
        readiness=7,
        kind="achievement",
    ),
    Document(
        "a4",
        "风电机组叶片的故障诊断方法，基于振动信号。",
        field="电气",
        region="150600",
        readiness=5,
        price_min=100,
        price_max=200,
        kind="achievement",
    ),
    Document(
        "a5",
        "光伏发电功率预测与储能调度优化。",
        field="电气",
        region="150600",
        readiness=8,
        kind="achievement",
    ),
    Document(
        "a6",
        "奶牛乳房炎的快速检测与乳制品质量控制。",
        field="畜牧",
        region="150100",
        readiness=6,
        kind="achievement",
    ),
    Document("a7", "肉羊育种中的基因组选择方法。", field="畜牧", region="152500", kind="achievement"),
    Document("d1", "需要稀土永磁电机的降本方案。", field="材料", region="150200", kind="demand"),
]


@pytest.fixture
def index():
    ix = MatchIndex()
    ix.build(DOCS)
    return ix


def test_domain_dictionary_keeps_domain_terms_whole():
    words = tk.words("稀土永磁材料与钕铁硼，以及煤化工和光伏发电")
    assert "稀土永磁" in words
    assert "钕铁硼" in words
    assert "煤化工" in words


def test_stop_words_and_punctuation_are_dropped_and_bigrams_added():
    toks = tk.tokens("基于深度学习的图像识别。")
    assert "的" not in toks and "基于" not in toks and "。" not in toks
    assert tk.BIGRAM_PREFIX + "图像" in toks
    assert all(tk.is_word(t) for t in tk.words("基于深度学习的图像识别"))


def test_exact_match_ranks_first_and_explains_itself(index):
    result = index.search("钕铁硼永磁体矫顽力")
    first = result.matches[0]
    assert first.id == "a1"
    assert "钕铁硼" in first.shared_terms
    assert "共同词" in first.explain() and "TRL 6" in first.explain()
    assert result.field == "材料" and result.field_source == "inferred"


def test_same_field_documents_fill_the_list_before_other_fields(index):
    result = index.search("钕铁硼永磁体矫顽力", k=4)
    assert [m.field for m in result.matches[:3]] == ["材料", "材料", "材料"]
    assert all(m.same_field for m in result.matches[:3])


def test_a_given_field_overrides_the_inferred_one(index):
    result = index.search("材料 检测 方法", field="畜牧", k=3)
    assert result.field == "畜牧" and result.field_source == "given"
    assert result.matches[1].field == "畜牧"


def test_region_filter_takes_a_league_with_its_counties(index):
    ids = index.search("稀土 材料", filters=Filters(region="150200")).ids
    assert set(ids) == {"a1", "a2", "d1"}
    assert index.search("稀土 材料", filters=Filters(region="150203")).ids == ["a2"]
    assert set(index.search("稀土 材料", filters=Filters(region="150000")).ids) >= {"a1", "a2", "a3"}


def test_readiness_price_and_kind_filters(index):
    ids = index.search("稀土 材料 风电", filters=Filters(min_readiness=5, kind="achievement")).ids
    assert "a2" not in ids and "d1" not in ids and "a1" in ids
    ids = index.search("稀土 材料 风电", filters=Filters(max_price=30)).ids
    assert "a1" not in ids and "a4" not in ids and "a2" in ids and "a3" in ids  # a3 has no price


def test_bad_region_filter_is_named():
    ix = MatchIndex()
    ix.build(DOCS)
    with pytest.raises(ValueError, match="filters.region"):
        ix.search("稀土", filters=Filters(region="15x"))


def test_a_query_without_shared_terms_returns_nothing(index):
    assert index.search("区块链").matches == []
    assert index.search("").matches == []


def test_exclude_leaves_out_the_source_record(index):
    assert "d1" not in index.search("稀土永磁电机的降本", exclude=["d1"]).ids


def test_adding_a_document_does_not_rebuild_the_main_segment(index):
    main = index._main
    index.add(Document("a8", "草原生态修复与荒漠化治理技术。", field="生态", region="150800"))
    assert index._main is main and index.delta_size == 1
    assert index.search("荒漠化治理").ids[0] == "a8"


def test_removing_a_document_leaves_a_tombstone(index):
    main = index._main
    assert index.remove("a1") == 1
    assert index._main is main and index.tombstones == 1
    assert "a1" not in index.search("钕铁硼永磁体").ids
    assert "a1" not in index and len(index) == len(DOCS) - 1


def test_replacing_a_document_updates_its_text(index):
    index.add(Document("a6", "马铃薯脱毒种薯繁育。", field="作物"))
    assert "a6" not in index.search("奶牛乳房炎").ids
    assert index.search("马铃薯种薯").ids[0] == "a6"


def test_incremental_index_ranks_like_a_fresh_build():
    fresh = MatchIndex()
    fresh.build(DOCS)
    grown = MatchIndex(min_delta=100)
    grown.build(DOCS[:4])
    grown.add(DOCS[4:])
    assert grown.delta_size == 4
    for q in ["稀土永磁", "光伏储能", "奶牛乳制品", "肉羊基因组", "风电叶片振动"]:
        assert grown.search(q).ids[0] == fresh.search(q).ids[0]
    grown.compact()
    assert grown.delta_size == 0
    for q in ["稀土永磁", "光伏储能", "奶牛乳制品"]:
        assert grown.search(q).ids == fresh.search(q).ids


def test_the_delta_compacts_by_itself_when_it_grows():
    ix = MatchIndex(min_delta=3, delta_ratio=0)
    ix.build(DOCS[:2])
    ix.add(DOCS[2:5])
    assert ix.delta_size == 3
    ix.add(DOCS[5])
    assert ix.delta_size == 0 and len(ix) == 6


def test_duplicate_ids_in_one_batch_are_refused():
    with pytest.raises(ValueError, match=r"documents\[1\].id: duplicate"):
        MatchIndex().build([Document("x", "a"), Document("x", "b")])


def test_evaluate_computes_mrr_recall_and_same_field_precision():
    queries = [
        {"id": "q1", "relevant": ["a"], "kind": "title"},
        {"id": "q2", "relevant": ["b"], "kind": "keywords"},
    ]
    fields = {"a": "f", "b": "g", "c": "f", "d": "g"}
    fig = evaluate(queries, {"q1": ["a", "c", "d"], "q2": ["c", "b"]}, fields)
    assert fig["mrr"]["all"] == pytest.approx((1 + 0.5) / 2)
    assert fig["mrr"]["title"] == 1 and fig["mrr"]["keywords"] == 0.5
    assert fig["recall"]["all"] == 1
    assert fig["same_field_precision_at_9"] == pytest.approx((1 / 9 + 0) / 2)


def test_highlight_marks_terms_and_escapes_html():
    out = highlight("稀土<b>永磁</b>材料", ["永磁", "稀土永磁"])
    assert out == "稀土&lt;b&gt;<mark>永磁</mark>&lt;/b&gt;材料"
    assert highlight("稀土永磁材料", ["稀土永磁", "永磁"]) == "<mark>稀土永磁</mark>材料"


def _write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def test_match_bench_command_writes_results_and_prints_figures(tmp_path, capsys):
    from django.core.management import call_command

    corpus, queries, out = tmp_path / "c.jsonl", tmp_path / "q.jsonl", tmp_path / "r.jsonl"
    _write_jsonl(corpus, [{"id": d.id, "text": d.text, "field": d.field} for d in DOCS])
    _write_jsonl(
        queries,
        [
            {"id": "q1", "text": "钕铁硼永磁体矫顽力", "relevant": ["a1"], "kind": "title"},
            {"id": "q2", "text": "光伏 储能 调度", "relevant": ["a5"], "kind": "keywords"},
        ],
    )
    call_command(
        "match", "bench", "--corpus", str(corpus), "--queries", str(queries), "--k", "5", "--out", str(out)
    )
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert lines[0]["id"] == "q1" and lines[0]["results"][0] == "a1" and len(lines[0]["results"]) <= 5
    printed = capsys.readouterr().out
    assert "MRR@5 [all]: 1.0000" in printed and "same-field precision@9" in printed
    assert "[title]" in printed and "[keywords]" in printed


def test_match_bench_names_the_bad_line(tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    corpus, queries = tmp_path / "c.jsonl", tmp_path / "q.jsonl"
    corpus.write_text('{"id": "a", "text": "稀土"}\n{not json}\n', encoding="utf-8")
    _write_jsonl(queries, [{"id": "q", "text": "稀土"}])
    with pytest.raises(CommandError, match=r"c.jsonl:2: not JSON"):
        call_command("match", "bench", "--corpus", str(corpus), "--queries", str(queries))


def test_vectorised_bigram_keys_equal_the_string_bigrams():
    texts = ["稀土永磁a材料，钕铁硼", "", "ab 12", "高温合金", "草原\n生态"]
    keys, owner = tk.bigram_keys(texts)
    got = [[] for _ in texts]
    for k, o in zip(keys.tolist(), owner.tolist(), strict=True):
        got[o].append(tk.BIGRAM_PREFIX + tk.bigram_text(k))
    assert got == [tk.bigrams(t) for t in texts]


def test_new_words_and_bigrams_of_the_delta_survive_compaction():
    ix = MatchIndex(min_delta=100)
    ix.build(DOCS[:2])
    ix.add(Document("z1", "苜蓿青贮饲料的乳酸菌发酵工艺", field="畜牧"))
    assert ix.search("苜蓿青贮").ids == ["z1"]
    ix.compact()
    assert ix.search("苜蓿青贮").ids == ["z1"]
    assert ix.search("青贮").ids == ["z1"]  # a bigram-only match


def test_bench_keeps_the_corpus_id_types_and_tolerates_missing_fields():
    from steppe.transfer.matching.evaluate import run_bench

    corpus = [{"id": 1, "text": "稀土永磁材料", "field": None}, {"id": 2, "text": "光伏储能"}]
    queries = [{"id": "q", "text": "稀土永磁"}]  # no "relevant", no "kind"
    lines, fig = run_bench(corpus, queries)
    assert lines == [{"id": "q", "results": [1]}]
    assert fig["mrr"]["all"] == 0 and fig["field_queries"] == 0
