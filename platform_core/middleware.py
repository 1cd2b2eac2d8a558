import logging

from django.conf import settings
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

logger = logging.getLogger("django.request")


class PlainServerErrorMiddleware:
    """With DEBUG on (the embedded default), only staff get Django's technical 500 page.

    Everyone else gets the ordinary error page (or a JSON error from the API): the technical
    page shows settings, source and every local variable of the failing request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        user = getattr(request, "user", None)
        if not settings.DEBUG or (user is not None and user.is_staff):
            return None  # production has no technical page; staff debugging the embedded default keep it
        logger.error("Internal Server Error: %s", request.path, exc_info=exception, extra={"request": request})
        message = _("Something went wrong on our side. Please try again.")
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=500)
        try:
            return render(request, "500.html", status=500)
        except Exception:  # the page itself cannot be drawn (e.g. the database is down)
            return HttpResponseServerError(message)
