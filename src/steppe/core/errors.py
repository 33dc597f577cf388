"""One error vocabulary for services, mapped once for the API and once for pages."""

from __future__ import annotations


class DomainError(Exception):
    """A refused request with a stable code, a human message and an HTTP status."""

    def __init__(self, code: str, message: str, *, status: int = 400, data: dict | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.data = data or {}

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "data": self.data}


class NotFound(DomainError):
    """What does not exist, or what this user may not see (never 403: we do not confirm existence)."""

    def __init__(self, message: str = "未找到 Not found", *, data: dict | None = None):
        super().__init__("not_found", message, status=404, data=data)


class Forbidden(DomainError):
    """An action on something the user may see but not change."""

    def __init__(self, message: str = "无权执行此操作 Not allowed", *, data: dict | None = None):
        super().__init__("forbidden", message, status=403, data=data)


class ValidationFailed(DomainError):
    """Bad input; `data["errors"]` lists each problem with where it is."""

    def __init__(self, message: str, errors: list[dict] | None = None):
        super().__init__("invalid", message, status=400, data={"errors": errors or []})
