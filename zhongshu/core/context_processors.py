from django.conf import settings
from django.utils.functional import SimpleLazyObject

from . import navigation
from .models import SystemConfig


def shell(request):
    """What the base layout needs: the side navigation, the mode banner, the system name."""
    user = getattr(request, "user", None)
    nav = navigation.entries_for(user) if user is not None and user.is_authenticated else []
    return {
        "nav_groups": nav,
        "demo_mode": settings.DEMO_MODE,
        "system_config": SimpleLazyObject(SystemConfig.get),
        "languages": settings.LANGUAGES,
    }
