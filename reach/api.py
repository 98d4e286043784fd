"""The REST API, /api/v1/ (OpenAPI docs at /api/v1/docs)."""

from ninja import NinjaAPI
from ninja.security import django_auth

from reach.accounts.api import TokenAuth
from reach.accounts.api import router as accounts_router
from reach.casework.api import router as casework_router
from reach.entitlements.api import router as entitlements_router
from reach.indicators.api import router as indicators_router
from reach.payments.api import router as payments_router
from reach.policy.api import router as policy_router
from reach.registry.api import router as registry_router

api = NinjaAPI(
    title="Reach API",
    version="1",
    urls_namespace="api-v1",
    auth=[TokenAuth(), django_auth],
)
api.add_router("/", accounts_router)
api.add_router("/", registry_router)
api.add_router("/", policy_router)
api.add_router("/", entitlements_router)
api.add_router("/", payments_router)
api.add_router("/", indicators_router)
api.add_router("/", casework_router)
