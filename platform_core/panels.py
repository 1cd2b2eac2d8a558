"""Home-page cards of the platform administrator: organisations, imports, users (平台管理)."""
import datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from .models import ImportRun, Membership, Organisation, Role

RECENT_DAYS = 30


def admin_organisations_panel(request) -> dict:
    """The organisations by kind, the newest ones, and those nobody administers (nobody can add members)."""
    counts = dict(Organisation.objects.order_by().values_list("kind").annotate(n=Count("pk")))
    has_admin = Membership.objects.active().filter(organisation=OuterRef("pk"), role=Role.ORG_ADMIN)
    unadministered = (Organisation.objects.filter(parent__isnull=True).exclude(Exists(has_admin))
                      .order_by("-created_at"))
    return {
        "kinds": [(value, label, counts.get(value, 0)) for value, label in Organisation.Kind.choices],
        "total": sum(counts.values()),
        "unadministered_count": unadministered.count(),
        "unadministered": list(unadministered[:3]),
        "newest": list(Organisation.objects.order_by("-created_at", "-pk")[:3]),
    }


def admin_imports_panel(request) -> dict:
    return {"runs": list(ImportRun.objects.select_related("actor")[:5])}


def admin_users_panel(request) -> dict:
    users = get_user_model().objects.filter(is_active=True)
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    without = users.exclude(Exists(Membership.objects.active().filter(user=OuterRef("pk")))).filter(is_staff=False)
    return {
        "total": users.count(),
        "recent": users.filter(last_login__gte=since).count(),
        "joined": users.filter(date_joined__gte=since).count(),
        "without_count": without.count(),
        "without": list(without.order_by("-date_joined")[:3]),
        "days": RECENT_DAYS,
    }
