from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework.authentication import SessionAuthentication as DrfSessionAuthentication


class SessionAuthentication(DrfSessionAuthentication):
    """The browser's session, CSRF-checked as DRF does."""


class TokenAuthentication(KnoxTokenAuthentication):
    """Hashed, expiring knox tokens from ``POST /api/token/``."""
