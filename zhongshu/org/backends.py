from django.contrib.auth.backends import ModelBackend
from django.utils import timezone

from .models import User


def find_user(login: str) -> User | None:
    """Sign-in by user name or by mobile number."""
    login = (login or "").strip()
    if not login:
        return None
    user = User.objects.filter(username__iexact=login).first()
    if user is None and login.isdigit():
        user = User.objects.filter(mobile=login).first()
    return user


class UsernameOrMobileBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = find_user(username)
        if user is None:
            # Spend the same time as a real check so a missing account is not revealed.
            User().set_password(password)
            return None
        if not user.check_password(password) or not self.user_can_authenticate(user):
            return None
        if (
            user.initial_password_expires_at is not None
            and user.initial_password_expires_at < timezone.now()
        ):
            return None  # an initial password is single-use and lives 24 hours (B5)
        return user
