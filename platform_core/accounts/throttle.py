"""Counting limited actions over a sliding window (rows in the database, seen by every process)."""
import hashlib
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from ..models import RateLimitHit


def _key(value: str) -> str:
    # Addresses and IPs are stored hashed: the table is a counter, not a log of who asked.
    return hashlib.sha256((value or "").strip().lower().encode()).hexdigest()


def used(scope: str, value: str, *, window: timedelta = timedelta(hours=1)) -> int:
    since = timezone.now() - window
    return RateLimitHit.objects.filter(scope=scope, key=_key(value), created_at__gt=since).count()


@transaction.atomic
def consume(scope: str, value: str, *, limit: int, window: timedelta = timedelta(hours=1)) -> bool:
    """Count one use of `scope` by `value`; False (and nothing counted) once `limit` uses are in the window."""
    if used(scope, value, window=window) >= limit:
        return False
    RateLimitHit.objects.create(scope=scope, key=_key(value))
    RateLimitHit.objects.filter(created_at__lt=timezone.now() - timedelta(days=2)).delete()
    return True


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""
