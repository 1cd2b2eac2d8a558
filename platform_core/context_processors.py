from django.conf import settings

from .navigation import nav_for
from .selectors import unread_notifications
from .signoff import signoffs_awaiting


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"platform_name": settings.PLATFORM_NAME}
    return {
        "platform_name": settings.PLATFORM_NAME,
        "nav_items": nav_for(user, request.path),
        "unread_count": unread_notifications(user).count(),
        "awaiting_signoff_count": signoffs_awaiting(user).count(),
    }
