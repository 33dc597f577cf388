"""One validator per write (issue 9): every API operation that writes (POST, PUT, PATCH) and
every page that takes a POST is declared with `core.validation.write_path`, and its handler uses
the declared validator (the API body is made from it by `core.validation.body_schema`, or the
handler, or a function it calls, names it); docs/architecture.md lists every declared write.

The writes not yet moved onto one validator are listed below, each by name: adding a new API write
or page form without declaring it fails, and so does leaving an entry here once it is declared.
Run as a script to print the inventory.
"""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]

# API operations with a body that still validate with their own pydantic schema (pydantic's
# messages, not the page's) -- what remains of issue 9, by family
UNDECLARED_API: set[str] = set()  # none left

# operations that carry no typed fields to a write: credentials, a calculation that writes nothing,
# a button (the path names what it acts on), and uploads (the importers name row and column)
NOT_WRITES_API = {
    "POST /auth/token", "POST /policy/evaluate",
    "POST /commitments/{pk}/sign",
    "POST /jobs/{job_id}/cancel", "POST /jobs/{job_id}/retry", "POST /notifications/{pk}/read",
    "POST /organisations/{org_id}/approve", "POST /measures/{code}/milestones/approve",
    "POST /observations/import", "POST /transfer/achievements/import", "POST /transfer/demands/import",
    "POST /transfer/contracts/import",
    *(f"POST /{slug}/import" for slug in ("platforms", "talent", "cooperation", "finance/loans", "finance/claims",
                                          "finance/investments", "finance/listed", "soe")),
}  # fmt: skip

# pages that take a POST and are not declared yet
UNDECLARED_PAGES: set[str] = set()  # none left

# pages whose POST carries no typed fields (a button, an upload read by the importer, a calculation)
NOT_FORMS_PAGES = {
    "stats:import", "transfer:import", "registers:import",  # uploads: the importers name row and column
    "policy:calculator",  # computes, writes nothing
    "accounts:hand_over",  # a button: the path names the colleague who becomes administrator
    "supervision:milestones_approve", "supervision:round",  # buttons: approve the milestones, close the round
    "supervision:inbox_read", "inbox:read", "inbox:read_all", "inbox:preferences", "jobs:retry", "jobs:cancel",
}  # fmt: skip


def _api_writes() -> dict[str, object]:
    """"METHOD /path" -> the operation, for every POST, PUT and PATCH."""
    from steppe.api import api

    out = {}
    for _prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for op in path_view.operations:
                for method in set(op.methods) & {"POST", "PUT", "PATCH"}:
                    out[f"{method} {path}"] = op
    return out


def _page_posts() -> dict[str, object]:
    """URL name -> view, for every page of the project whose view takes a POST."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(resolver, ns=""):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                yield from walk(p, p.namespace or ns)
            elif isinstance(p, URLPattern) and p.name:
                yield (f"{ns}:{p.name}" if ns else p.name), inspect.unwrap(p.callback)

    out = {}
    for name, view in walk(get_resolver()):
        if not getattr(view, "__module__", "").startswith("steppe"):
            continue
        if re.search(r'request\.POST|require_POST|method == "POST"', inspect.getsource(view)):
            out[name] = view
    return out


def _names(func, name: str, depth: int = 3) -> bool:
    """Whether `func`, or a function it calls (module functions, `services.x`, closures; up to
    `depth` calls deep), names `name`."""
    func = inspect.unwrap(func)  # a decorated service: its own module's names
    try:
        source = inspect.getsource(func)
    except (OSError, TypeError):
        return False
    if re.search(rf"\b{name}\b", source):
        return True
    if depth == 0:
        return False
    try:
        scope = {**func.__globals__, **inspect.getclosurevars(func).nonlocals}
    except (TypeError, ValueError):
        scope = dict(func.__globals__)
    for node in ast.walk(ast.parse(inspect.cleandoc("\n" + source) if source[0].isspace() else source)):
        if not isinstance(node, ast.Call):
            continue
        target = None
        if isinstance(node.func, ast.Name):
            target = scope.get(node.func.id)
        elif isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
            target = getattr(scope.get(node.func.value.id), node.func.attr, None)
        if inspect.isfunction(target) and target is not func and _names(target, name, depth - 1):
            return True
    return False


def _declared():
    import steppe.api  # noqa: F401  (the routers import every app's validation module)
    import steppe.urls  # noqa: F401  (the views import the forms)
    from steppe.core.validation import WRITE_PATHS

    return WRITE_PATHS


@pytest.fixture(scope="module")
def declared():
    return _declared()


def test_every_api_write_is_declared(declared):
    api_ops = {op for wp in declared.values() for op in wp.api}
    missing = sorted(set(_api_writes()) - api_ops - UNDECLARED_API - NOT_WRITES_API)
    assert not missing, f"API writes with no declared validator (core.validation.write_path): {missing}"


def test_every_page_post_is_declared(declared):
    pages = {p for wp in declared.values() for p in wp.pages}
    missing = sorted(set(_page_posts()) - pages - UNDECLARED_PAGES - NOT_FORMS_PAGES)
    assert not missing, f"pages taking a POST with no declared validator (core.validation.write_path): {missing}"


def test_the_lists_of_what_remains_hold_nothing_declared_or_gone(declared):
    api_ops = {op for wp in declared.values() for op in wp.api}
    pages = {p for wp in declared.values() for p in wp.pages}
    writes, posts = set(_api_writes()), set(_page_posts())
    assert not (UNDECLARED_API | NOT_WRITES_API) & api_ops, "declared now: take it off UNDECLARED_API"
    assert not (UNDECLARED_PAGES | NOT_FORMS_PAGES) & pages, "declared now: take it off UNDECLARED_PAGES"
    assert (UNDECLARED_API | NOT_WRITES_API) <= writes, sorted((UNDECLARED_API | NOT_WRITES_API) - writes)
    assert (UNDECLARED_PAGES | NOT_FORMS_PAGES) <= posts, sorted((UNDECLARED_PAGES | NOT_FORMS_PAGES) - posts)


def test_declared_writes_exist_and_use_their_validator(declared):
    writes, posts = _api_writes(), _page_posts()
    problems = []
    for wp in declared.values():
        for key in wp.api:
            op = writes.get(key)
            if op is None:
                problems.append(f"{wp.name}: no API write {key}")
                continue
            body = [f.annotation for m in op.models if getattr(m, "__ninja_param_source__", None) == "body"
                    for f in m.model_fields.values()]  # fmt: skip
            made_from = any(getattr(b, "validator", None) is wp.validator for b in body)
            if not (made_from or _names(op.view_func, wp.validator.__name__)):
                problems.append(f"{wp.name}: {key} does not go through {wp.validator.__name__}")
        for page in wp.pages:
            view = posts.get(page)
            if view is None:
                problems.append(f"{wp.name}: no page {page} taking a POST")
            elif not _names(view, wp.validator.__name__):
                problems.append(f"{wp.name}: page {page} does not use {wp.validator.__name__}")
    assert not problems, problems


def test_a_body_made_from_a_validator_leaves_the_judging_to_it(declared):
    """No pydantic check stands in front of the validator (it would answer first, in other words)."""
    for key, op in _api_writes().items():
        for m in op.models:
            for f in m.model_fields.values():
                if getattr(f.annotation, "validator", None) is not None:
                    assert all(field.annotation is Any and not field.is_required()
                               for field in f.annotation.model_fields.values()), key


def test_the_architecture_document_lists_every_declared_write(declared):
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| `([\w.]+)` \| `([\w.]+)` \|", doc, re.M)}
    for wp in declared.values():
        assert wp.name in rows, f"docs/architecture.md has no row for {wp.name}"
        assert rows[wp.name].endswith(wp.validator.__name__), (wp.name, rows[wp.name])


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steppe.settings")
    django.setup()
    for wp in _declared().values():
        print(f"| `{wp.name}` | `{wp.validator.__module__}.{wp.validator.__name__}` | "
              f"{', '.join(wp.pages) or '—'} | {', '.join(wp.api) or '—'} |")  # fmt: skip
    print(len(UNDECLARED_API), "API writes and", len(UNDECLARED_PAGES), "pages not declared yet")
