"""Schemas every API router shares."""

from ninja import Schema


class Error(Schema):
    """A refusal: 403 not allowed, 404 not found (or out of scope), 409 a clash with the
    record's state, 422 a rule of the domain. The message is for the user who asked."""

    detail: str


ERRORS = {403: Error, 404: Error, 409: Error, 422: Error}
