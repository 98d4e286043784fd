"""/api/v1/auth/token (log in for a bearer token), /api/v1/auth/tokens (the caller's tokens:
list, revoke) and /api/v1/me. Failed logins count towards axes' lock-out, as on the login
page; a locked-out caller is answered 429."""

from django.contrib.auth import authenticate
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from ninja.security import HttpBearer

from reach.accounts import selectors, services
from reach.accounts.schemas import ApiTokenOut, Credentials, MeOut, TokenOut
from reach.accounts.views import lockout_message
from reach.common.schemas import ERRORS, READ_ERRORS, Error

router = Router(tags=["accounts"])


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>` with a token from POST /auth/token that has neither
    expired nor been revoked."""

    def authenticate(self, request, token):
        now = timezone.now()
        api_token = selectors.find_usable_api_token(token, now)
        if api_token is None:
            return None
        services.note_api_token_use(token=api_token, at=now)
        request.user = api_token.user
        return api_token.user


@router.post(
    "/auth/token",
    auth=None,
    response={200: TokenOut, **ERRORS, 429: Error},
    summary="Log in for a bearer token",
    description=(
        "Answers 401 for a wrong username or password and 429 once too many wrong passwords "
        "have locked the account out from this address."
    ),
)
def create_token(request, credentials: Credentials):
    user = authenticate(
        request=request, username=credentials.username, password=credentials.password
    )
    if getattr(request, "axes_locked_out", False):
        return 429, {"detail": lockout_message()}
    if user is None:
        return 401, {"detail": _("Invalid username or password.")}
    issued = services.issue_api_token(user=user, name=credentials.name)
    token = issued.token
    return 200, {
        "token": issued.secret,
        "id": token.pk,
        "name": token.name,
        "expires_at": token.expires_at,
    }


@router.get(
    "/auth/tokens",
    response={200: list[ApiTokenOut], **READ_ERRORS},
    summary="The caller's API tokens",
)
def list_tokens(request):
    return selectors.list_api_tokens_for_user(request.user)


@router.delete(
    "/auth/tokens/{token_id}",
    response={200: ApiTokenOut, **ERRORS},
    summary="Revoke one of the caller's API tokens",
)
def revoke_token(request, token_id: int):
    token = selectors.get_api_token_for_user(request.user, token_id)
    return services.revoke_api_token(actor=request.user, token=token)


@router.get("/me", response={200: MeOut, **READ_ERRORS})
def me(request):
    memberships = request.user.memberships.select_related(
        "unit", "school__unit", "organisation__unit"
    )
    items = []
    for m in memberships:
        unit = m.unit or (m.school.unit if m.school_id else m.organisation.unit)
        items.append({"role": m.role, "unit": unit.code, "unit_path": unit.path})
    return {"username": request.user.get_username(), "memberships": items}
