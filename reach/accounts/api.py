from django.contrib.auth import authenticate
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import HttpBearer

from reach.accounts.models import ApiToken, hash_token
from reach.accounts.services import issue_api_token

router = Router(tags=["accounts"])


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>` with a token from POST /auth/token."""

    def authenticate(self, request, token):
        api_token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_token(token), user__is_active=True)
            .first()
        )
        if api_token is None:
            return None
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=timezone.now())
        request.user = api_token.user
        return api_token.user


class Credentials(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str


class MembershipOut(Schema):
    role: str
    unit: str | None
    unit_path: str | None


class MeOut(Schema):
    username: str
    memberships: list[MembershipOut]


@router.post("/auth/token", auth=None, response=TokenOut)
def create_token(request, credentials: Credentials):
    user = authenticate(request, username=credentials.username, password=credentials.password)
    if user is None:
        raise HttpError(401, "Invalid username or password")
    return {"token": issue_api_token(user=user)}


@router.get("/me", response=MeOut)
def me(request):
    memberships = request.user.memberships.select_related(
        "unit", "school__unit", "organisation__unit"
    )
    items = []
    for m in memberships:
        unit = m.unit or (m.school.unit if m.school_id else m.organisation.unit)
        items.append({"role": m.role, "unit": unit.code, "unit_path": unit.path})
    return {"username": request.user.get_username(), "memberships": items}
