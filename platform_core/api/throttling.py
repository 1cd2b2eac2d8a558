"""API request rates (settings REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]): anonymous clients by address,
signed-in users by user. The rate is read per request, so a changed setting applies without a restart of
the class (DRF's own classes read it once, at import)."""
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class _CurrentRate:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonThrottle(_CurrentRate, AnonRateThrottle):
    pass


class UserThrottle(_CurrentRate, UserRateThrottle):
    pass
