"""What the page-and-API validation tests read from an answer (import them: ``from ..helpers import
api_errors``): the API's field errors, the error box at the top of a page, and what that box says
for given errors."""

import html
import re

from django.utils import translation
from django.utils.translation import gettext


def api_errors(r, status: int = 400) -> dict:
    """field -> message of a refused API write (asserting its status: 400 refused, 422 malformed)."""
    assert r.status_code == status, r.content
    return {e["field"]: e["message"] for e in r.json()["error"]["data"]["errors"]}


def summary(page: str) -> str:
    """The error box at the top of the page."""
    (box,) = re.findall(r'<li class="msg-error">(.*?)</li>', page, re.S)
    return html.unescape(box)


def expected_summary(errors: dict, labels: dict, language: str) -> str:
    """What the page says for `errors`: each named by its field's label, in the page's language."""
    with translation.override(language):
        return gettext("有 %(n)s 处需要修改：") % {"n": len(errors)} + gettext("；").join(
            f"{gettext(str(labels[f]))}{gettext('：')}{m}" for f, m in errors.items()
        )
