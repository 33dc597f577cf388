from django import template

from ..bilingual import in_language as _in_language

register = template.Library()


@register.filter
def in_language(value):
    """A bilingual "中文 English" service message in the page's language (other text unchanged)."""
    return _in_language(value)
