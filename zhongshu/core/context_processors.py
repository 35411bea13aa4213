from django.conf import settings
from django.utils.functional import SimpleLazyObject

from . import badges, navigation
from .models import SystemConfig


def shell(request):
    """What the base layout needs: the side navigation, the mode banner, the system name."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    nav = navigation.entries_for(user) if signed_in else []
    return {
        "nav_groups": nav,
        "topbar_badges": badges.badges_for(user) if signed_in else [],
        "demo_mode": settings.DEMO_MODE,
        "system_config": SimpleLazyObject(SystemConfig.get),
        "languages": settings.LANGUAGES,
    }
