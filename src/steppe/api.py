"""The JSON API: one NinjaAPI, versioned, with one error envelope; each app brings its router."""

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from steppe.core.api import router as core_router
from steppe.core.errors import DomainError
from steppe.evaluation.api import router as evaluation_router
from steppe.plans.api import router as plans_router
from steppe.policy.api import router as policy_router
from steppe.stats.api import router as stats_router
from steppe.supervision.api import router as supervision_router
from steppe.transfer.api import router as transfer_router

api = NinjaAPI(
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


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    errors = [{"path": ".".join(str(p) for p in e.get("loc", [])), "message": e.get("msg", "")} for e in exc.errors]
    return _error(request, 422, "invalid", "请求数据无效 Invalid request data", {"errors": errors})


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
