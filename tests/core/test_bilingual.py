"""Pages speak one language: a bilingual "中文 English" service message keeps the visitor's part."""

import re
from pathlib import Path

import pytest

import steppe
from steppe.core.bilingual import in_language, split

CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.mark.parametrize(
    ("text", "zh", "en"),
    [
        ("无权执行此操作 Not allowed", "无权执行此操作", "Not allowed"),
        ("未找到报送 12 Submission 12 not found", "未找到报送 12", "Submission 12 not found"),
        (
            "状态无效(应为 final/preliminary/revised 或 正式/初步/修订) Invalid status",
            "状态无效(应为 final/preliminary/revised 或 正式/初步/修订)",
            "Invalid status",
        ),
        (
            "文件有 3 处错误,未导入任何数据 The file has 3 errors; nothing was imported\n第 2 行: x",
            "文件有 3 处错误,未导入任何数据\n第 2 行: x",
            "The file has 3 errors; nothing was imported\n第 2 行: x",
        ),
    ],
)
def test_a_bilingual_message_is_split_at_its_english_sentence(text, zh, en):
    assert split(text) == (zh, en)
    assert in_language(text, "zh-hans") == zh
    assert in_language(text, "en") == en


@pytest.mark.parametrize(
    "text",
    ["纯中文的消息。", "Only English here", "年份应为整数：Abc", "Contracts in 万元", "未知地区 呼和浩特", ""],
)
def test_any_other_text_is_kept_whole(text):
    assert split(text) is None
    assert in_language(text, "zh-hans") == text == in_language(text, "en")


def test_every_bilingual_message_in_the_source_splits_into_its_two_languages():
    """Each string literal of the shape "中文 English sentence" under src/ splits into a Chinese part
    and an English part with no Chinese in it (a message written another way would show both)."""
    literals = set()
    for path in Path(steppe.__file__).parent.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for text in re.findall(r'"((?:[^"\\\n]|\\.)*)"', path.read_text()):
            if CJK.match(text) and re.search(r"[\u3400-\u9fff][^\u3400-\u9fff]*[A-Z][a-z]+ [a-z]+[^\u3400-\u9fff]*$", text):
                literals.add(text)
    assert len(literals) > 50  # the convention is in use; the test reads them
    bad = [t for t in sorted(literals) if (p := split(t)) is None or not CJK.search(p[0]) or CJK.search(p[1])]
    assert bad == []


@pytest.mark.django_db
def test_a_page_shows_a_service_error_in_its_own_language(client, department_user):
    from django.contrib import messages
    from django.contrib.messages.storage import default_storage
    from django.test import RequestFactory
    from django.utils import translation

    request = RequestFactory().get("/")
    request.session = client.session
    request._messages = default_storage(request)
    with translation.override("zh-hans"):
        messages.error(request, "只有自治区科技厅可以分解下达目标 Only the department sets league targets")
    with translation.override("en"):
        messages.error(request, "只有自治区科技厅可以分解下达目标 Only the department sets league targets")
    assert [m.message for m in request._messages] == ["只有自治区科技厅可以分解下达目标", "Only the department sets league targets"]


@pytest.mark.django_db
def test_the_error_page_speaks_the_page_language(department_user):
    from django.test import RequestFactory
    from django.utils import translation

    from steppe.core.errors import DomainError
    from steppe.core.middleware import DomainErrorMiddleware

    error = DomainError("invalid", "文件有 2 处错误,未导入任何数据 The file has 2 errors; nothing was imported")
    request = RequestFactory().get("/monitoring/import/")
    request.user = department_user
    middleware = DomainErrorMiddleware(lambda r: None)
    with translation.override("zh-hans"):
        zh = middleware.process_exception(request, error).content.decode()
    with translation.override("en"):
        en = middleware.process_exception(request, error).content.decode()
    assert "<p>文件有 2 处错误,未导入任何数据</p>" in zh and "nothing was imported" not in zh
    assert "<p>The file has 2 errors; nothing was imported</p>" in en and "未导入" not in en
