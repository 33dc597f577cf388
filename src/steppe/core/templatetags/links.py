"""`{% load links %}` then `{{ value|web_url }}`: the address when it is http(s), else ''.

Every template that turns a stored address into `href` goes through this filter, e.g.
`{% if c.source_url|web_url %}<a href="{{ c.source_url|web_url }}">…</a>{% else %}…{% endif %}`.
"""

from django import template

from steppe.core.links import web_url_or_empty

register = template.Library()


@register.filter
def web_url(value) -> str:
    return web_url_or_empty(value)
