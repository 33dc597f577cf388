"""The JSON API: one NinjaAPI, versioned, with one error envelope; each app brings its router."""

import logging

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer

from steppe.challenges.api import router as challenges_router
from steppe.core.api import router as core_router
from steppe.core.errors import DomainError
from steppe.core.inputs import CleaningParser, declare_error_responses
from steppe.core.jobs.api import router as jobs_router
from steppe.evaluation.api import router as evaluation_router
from steppe.plans.api import router as plans_router
from steppe.policy.api import router as policy_router
from steppe.registers.api import router as registers_router
from steppe.stats.api import router as stats_router
from steppe.supervision.api import router as supervision_router
from steppe.transfer.api import router as transfer_router


class ReadableJSONRenderer(JSONRenderer):
    """JSON with Chinese as characters, not \\uXXXX escapes, so curl users can read it."""

    json_dumps_params = {"ensure_ascii": False}


class SteppeAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        return declare_error_responses(super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params))


api = SteppeAPI(
    renderer=ReadableJSONRenderer(),
    title="Steppe API",
    version="1",
    description="Steppe: the Inner Mongolia S&T plan as a running system. Errors: {\"error\": {code, message, data}}.",
    urls_namespace="api-v1",
    parser=CleaningParser(),
)


def _error(request, status: int, code: str, message: str, data=None):
    return api.create_response(request, {"error": {"code": code, "message": message, "data": data or {}}}, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    return _error(request, exc.status, exc.code, exc.message, exc.data)


def _field(loc) -> str:
    """`body.payload.due` -> `due`; `query.year` -> `year`: the name the client sent."""
    parts = [str(p) for p in loc]
    while parts and parts[0] in {"body", "query", "path", "form", "file", "header", "cookie", "payload"}:
        parts.pop(0)
    return ".".join(parts) or "body"


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    errors = [{"field": _field(e.get("loc", [])), "message": e.get("msg", "")} for e in exc.errors]
    first = f"{errors[0]['field']}: {errors[0]['message']}" if errors else ""
    return _error(request, 422, "invalid", f"请求数据无效 Invalid request data: {first}", {"errors": errors})


HTTP_ERROR_CODES = {400: "invalid", 403: "forbidden", 404: "not_found", 405: "method_not_allowed", 429: "throttled"}


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    """ninja's own errors (e.g. a body that is not JSON) in the same envelope as ours."""
    if isinstance(exc.__cause__, DomainError):  # refused by the cleaning parser (core.inputs)
        return on_domain_error(request, exc.__cause__)
    message = str(exc)
    data = {}
    if message.startswith("Cannot parse request body"):
        message = "请求体不是有效的 JSON Request body is not valid JSON"
        data = {"errors": [{"field": "body", "message": str(exc)}]}
    return _error(request, exc.status_code, HTTP_ERROR_CODES.get(exc.status_code, "error"), message, data)


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return _error(request, 401, "unauthorized", "需要登录或 API 令牌 Authentication required")


@api.exception_handler(Http404)
def on_404(request, exc):
    return _error(request, 404, "not_found", "未找到 Not found")


api.add_router("/", core_router)
api.add_router("/", plans_router)
api.add_router("/", stats_router)
api.add_router("/", supervision_router)
api.add_router("/", transfer_router)
api.add_router("/", policy_router)
api.add_router("/", evaluation_router)
api.add_router("/", challenges_router)
api.add_router("/", registers_router)
api.add_router("/", jobs_router)


_log = logging.getLogger("steppe.api")


@api.exception_handler(Exception)
def on_unexpected_error(request, exc: Exception):
    """A fault of ours: logged with its traceback, answered in the same envelope (also in
    production, where Django would otherwise send its HTML 500 page)."""
    _log.exception("API error on %s %s", request.method, request.path)
    return _error(request, 500, "server_error", "服务器内部错误，已记录 Internal server error (logged)")
