"""One error shape for every HTTP failure: {"error": {"code": "...", "message": "..."}}."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Route

from ..corpus import CiteqaError
from ..index import IndexStoreError
from ..qa import InvalidQuestionError, LLMError

_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "rate_limited",
    503: "unavailable",
    504: "timeout",
}
_MAX_LISTED_PROBLEMS = 5


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    error: ErrorDetail


# Documented on every route so that the OpenAPI document shows the real error shape, not FastAPI's.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": _CODES[status].replace("_", " ")}
    for status in (400, 401, 404, 413, 422, 429, 503, 504)
}


class ApiError(Exception):
    """A failure the client should see as-is; raised anywhere below a route."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def error_response(status: int, code: str, message: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(code, message), status_code=status, headers=headers)


def api_error_for(exc: CiteqaError) -> ApiError:
    """Deliberate citeqa errors carry messages written for users, so they are passed on."""
    if isinstance(exc, InvalidQuestionError):
        return ApiError(422, "invalid_question", str(exc))
    if isinstance(exc, LLMError):
        return ApiError(502, "llm_unavailable", str(exc))
    if isinstance(exc, IndexStoreError):
        return ApiError(503, "index_unavailable", str(exc))
    return ApiError(500, "citeqa_error", str(exc))


def _describe(errors: list[dict[str, Any]]) -> str:
    problems = []
    for error in errors[:_MAX_LISTED_PROBLEMS]:
        field = ".".join(str(part) for part in error.get("loc", ()) if part != "body") or "body"
        problems.append(f"{field}: {error.get('msg', 'invalid')}")
    more = len(errors) - _MAX_LISTED_PROBLEMS
    return "; ".join(problems) + (f"; and {more} more" if more > 0 else "")


async def _on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    if any(error.get("type") == "json_invalid" for error in errors):
        return error_response(400, "invalid_json", "the request body is not valid JSON")
    if errors and all(_is_blank_question(error) for error in errors):
        # The schema's minLength and pattern say "not blank": report it as the blank question it is.
        return error_response(422, "empty_question", "question: the question is empty")
    return error_response(422, "invalid_request", _describe(errors))


def _is_blank_question(error: dict[str, Any]) -> bool:
    return tuple(error.get("loc", ())) == ("body", "question") and error.get("type") in (
        "string_too_short",
        "string_pattern_mismatch",
    )


async def _on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _CODES.get(exc.status_code, f"http_{exc.status_code}")
    message = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail)
    return error_response(exc.status_code, code, message, headers=exc.headers)


async def _on_api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.code, exc.message, headers=exc.headers)


async def _on_citeqa_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, CiteqaError)
    return await _on_api_error(request, api_error_for(exc))


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    # Starlette re-raises after sending this, so the server logs the traceback; the client sees none.
    return error_response(500, "internal_error", "an unexpected error occurred; it has been logged")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(ApiError, _on_api_error)
    app.add_exception_handler(CiteqaError, _on_citeqa_error)
    app.add_exception_handler(Exception, _on_unexpected)


def add_fallback(app: FastAPI, routers: list[APIRouter]) -> None:
    """404 and 405 in the API's shape for unknown API paths and methods.

    The chat is mounted at "/" and would otherwise swallow every path no API route fully matches.
    Call after the routers are included: routes match in the order they were added.
    """
    routes = [route for router in routers for route in router.routes if isinstance(route, APIRoute)]

    async def unmatched(request: Request) -> JSONResponse:
        path = request.url.path
        allowed = sorted({m for r in routes if r.path_regex.match(path) for m in r.methods or ()})
        if allowed:
            return error_response(
                405,
                "method_not_allowed",
                f"{request.method} is not allowed on {path}; use {', '.join(allowed)}",
                headers={"Allow": ", ".join(allowed)},
            )
        return error_response(404, "not_found", f"no API route {path}")

    for path in ("/v1/{rest:path}", "/healthz"):
        route = Route(path, unmatched, include_in_schema=False)
        # A function endpoint defaults to GET; no method set matches every method, TRACE and PROPFIND included.
        route.methods = None
        app.router.routes.append(route)
