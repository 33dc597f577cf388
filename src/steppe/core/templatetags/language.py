from django import template
from django.utils.translation import get_language

from ..bilingual import in_language as _in_language
from ..bilingual import local_title

register = template.Library()


@register.filter
def in_language(value):
    """A bilingual "中文 English" service message in the page's language (other text unchanged)."""
    return _in_language(value)


@register.filter
def title_in_language(obj):
    """``{{ measure|title_in_language }}``: a plan action's or measure's title in the page's language."""
    return local_title(obj)


@register.filter
def name_in_language(obj):
    """``{{ region|name_in_language }}``: a region's (or anything's) ``name_en`` on English pages when it
    has one, its Chinese ``name`` otherwise."""
    if obj is None:
        return ""
    name = getattr(obj, "name", "") or ""
    if (get_language() or "").startswith("en"):
        return getattr(obj, "name_en", "") or name
    return name


@register.filter
def or_english(chinese, english):
    """`{{ x.message|or_english:x.en }}`: the English text on an English page when there is one, else the Chinese."""
    from django.utils import translation

    if english and (translation.get_language() or "").startswith("en"):
        return english
    return chinese
