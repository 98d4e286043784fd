"""Schemas every API router shares: the error responses `reach.api` sends, declared once so
every operation's OpenAPI entry lists what it may really answer."""

from typing import Annotated, Any

from ninja import Schema
from pydantic import Field

from reach.common.schoolyear import FIRST_SCHOOL_YEAR, LAST_SCHOOL_YEAR

SchoolYear = Annotated[
    int,
    Field(
        ge=FIRST_SCHOOL_YEAR,
        le=LAST_SCHOOL_YEAR,
        description="A school year, named by the year it starts in (2024 is 2024-2025).",
    ),
]
"""A school year given in a request: out of range, it is refused with 422 before any date is
computed from it."""


class Error(Schema):
    """A refusal: 400 a body that does not parse, 401 not signed in, 403 not allowed, 404 not
    found (or out of scope), 409 a clash with the record's state. The message is for the user
    who asked."""

    detail: str


class FieldError(Schema):
    """One invalid part of a request, as the API's parser reports it: where (`loc`, e.g.
    `["query", "page"]`), which rule (`type`) and a message."""

    type: str
    loc: list[str | int]
    msg: str
    ctx: dict[str, Any] | None = None


class Invalid(Schema):
    """422: a rule of the domain refused the request (`detail` is its message), or the request
    did not parse (`detail` lists each invalid field)."""

    detail: str | list[FieldError]


class ServerError(Schema):
    """500: the database refused the request; the reference finds the logged cause."""

    detail: str
    reference: str


READ_ERRORS: dict[int, type[Schema]] = {
    401: Error,
    404: Error,
    422: Invalid,
    500: ServerError,
}
"""What a read may answer besides its result."""

ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 400: Error, 403: Error, 409: Error}
"""What a write may answer besides its result (400: a body that is not JSON)."""


def file_response(content_type: str) -> dict[str, Any]:
    """The OpenAPI entry of an operation that answers 200 with a file of `content_type` (pass
    as the operation's `openapi_extra`)."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {"responses": {200: {"description": "OK", "content": {content_type: binary}}}}
