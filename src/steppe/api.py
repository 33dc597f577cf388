"""The JSON API: one NinjaAPI, versioned, with one error envelope; each app brings its router."""

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer

from steppe.challenges.api import router as challenges_router
from steppe.core.api import router as core_router
from steppe.core.errors import DomainError
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


api = NinjaAPI(
    renderer=ReadableJSONRenderer(),
    title="Steppe API",
    version="1",
    description="Steppe: the Inner Mongolia S&T plan as a running system. Errors: {\"error\": {code, message, data}}.",
    urls_namespace="api-v1",
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
