"""The REST API, /api/v1/ (OpenAPI docs at /api/v1/docs).

Endpoints parse, call one selector or service, and render; the services' refusals become
responses here, in one place: `OutOfScope` 404 (as if the record did not exist), `NotAllowed`
403, `Conflict` 409, any other `DomainError` 422. A database error is logged with a reference
and answered 500 with that reference only, never its text. Text holding the NUL character,
which no database column may store, is refused before it reaches one: 422 in a query or form
field, 400 in a JSON body.
"""

from typing import Any

from django.db import DatabaseError
from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja import NinjaAPI
from ninja.errors import ValidationError
from ninja.parser import Parser
from ninja.security import django_auth

from reach.accounts.api import TokenAuth
from reach.accounts.api import router as accounts_router
from reach.casework.api import router as casework_router
from reach.common.errors import (
    Conflict,
    DomainError,
    NotAllowed,
    OutOfScope,
    log_database_error,
)
from reach.common.uploads import refused_upload
from reach.crosscheck.api import router as crosscheck_router
from reach.entitlements.api import router as entitlements_router
from reach.funds.api import router as funds_router
from reach.funds.api_rounds import router as rounds_router
from reach.funds.api_sponsorships import router as sponsorships_router
from reach.indicators.api import router as indicators_router
from reach.intake.api import router as intake_router
from reach.learning.api import router as learning_router
from reach.payments.api import router as payments_router
from reach.plans.api import router as plans_router
from reach.policy.api import router as policy_router
from reach.registry.api import router as registry_router
from reach.reports.api import router as reports_router
from reach.schoolsupport.api import router as schoolsupport_router
from reach.studentfile.api import router as studentfile_router

NUL = "\x00"


def holds_nul(value: Any) -> bool:
    """Whether `value` (JSON: text, lists, objects and their keys) holds the NUL character."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(holds_nul(key) or holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(holds_nul(item) for item in value)
    return False


class TextParser(Parser):
    """Ninja's parser, refusing text that holds the NUL character."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        if holds_nul(data):
            raise ValueError("the body holds the NUL character")  # answered 400 by ninja
        return data

    def parse_querydict(
        self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        result = super().parse_querydict(data, list_fields, request)
        source = "query" if data is request.GET else "form"
        invalid = [
            {"type": "string_nul", "loc": [source, key], "msg": "Text may not hold NUL"}
            for key, value in result.items()
            if holds_nul(key) or holds_nul(value)
        ]
        if invalid:
            raise ValidationError(invalid)
        return result


api = NinjaAPI(
    title="Reach API",
    version="1",
    urls_namespace="api-v1",
    auth=[TokenAuth(), django_auth],
    parser=TextParser(),
)


def status_of(error: DomainError) -> int:
    """The HTTP status that answers a service's refusal."""
    if isinstance(error, OutOfScope):
        return 404
    if isinstance(error, NotAllowed):
        return 403
    if isinstance(error, Conflict):
        return 409
    return 422


@api.exception_handler(DomainError)
def domain_error(request, error: DomainError):
    return api.create_response(request, {"detail": str(error)}, status=status_of(error))


@api.exception_handler(ValidationError)
def validation_error(request, error: ValidationError):
    """Ninja's 422, unless the file it misses was skipped as too large while it arrived: then
    413 with the limit named, as the upload check answers."""
    refused = refused_upload(request)
    if refused is not None:
        return api.create_response(request, {"detail": str(refused)}, status=refused.status)
    return api.create_response(request, {"detail": error.errors}, status=422)


@api.exception_handler(DatabaseError)
def database_error(request, error: DatabaseError):
    reference = log_database_error(error, during=f"{request.method} {request.path}")
    detail = f"The database refused the request (reference {reference})."
    return api.create_response(request, {"detail": detail, "reference": reference}, status=500)


api.add_router("/", accounts_router)
api.add_router("/", registry_router)
api.add_router("/", policy_router)
api.add_router("/", entitlements_router)
api.add_router("/", payments_router)
api.add_router("/", studentfile_router)
api.add_router("/", indicators_router)
api.add_router("/", casework_router)
api.add_router("/", rounds_router)  # before funds: /funds/rounds is not a fund
api.add_router("/", sponsorships_router)  # nor /funds/sponsorships
api.add_router("/", funds_router)
api.add_router("/", plans_router)
api.add_router("/", learning_router)
api.add_router("/", intake_router)
api.add_router("/", schoolsupport_router)
api.add_router("/", reports_router)
api.add_router("/", crosscheck_router)
