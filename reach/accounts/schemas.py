"""Schemas of the accounts API: logging in for a token, the caller's tokens and memberships."""

import datetime as dt

from ninja import Field, Schema


class Credentials(Schema):
    username: str
    password: str
    name: str = Field("", max_length=100, description="A name to recognise the token by.")


class TokenOut(Schema):
    """A token just issued: `token` is the secret, shown this once and never again."""

    token: str
    id: int
    name: str
    expires_at: dt.datetime


class ApiTokenOut(Schema):
    """One of the caller's tokens; its secret is never shown again."""

    id: int
    name: str
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class MembershipOut(Schema):
    role: str
    unit: str | None
    unit_path: str | None


class MeOut(Schema):
    username: str
    memberships: list[MembershipOut]
