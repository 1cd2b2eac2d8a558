from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback


def exception_handler(exc, context):
    """Answer what the request got wrong as a 4xx with a readable message, never a 500.

    Services raise Django's ValidationError (400 with its messages); an id or filter number
    beyond the database's integers is a 400; deleting a record others still refer to is a 409, and so is
    a write the database refuses as a duplicate (two requests racing past the serializer's check).
    """
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = exceptions.ValidationError(exc.message_dict)
        else:
            exc = exceptions.ValidationError({"detail": exc.messages})
    elif isinstance(exc, OverflowError):
        exc = exceptions.ValidationError({"detail": [_("A number in the request is too large.")]})
    elif isinstance(exc, (ProtectedError, RestrictedError)):
        count = len(exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects)
        message = ngettext(
            "It cannot be deleted: %(count)d record still refers to it.",
            "It cannot be deleted: %(count)d records still refer to it.", count) % {"count": count}
        return Response({"detail": message}, status=status.HTTP_409_CONFLICT)
    elif isinstance(exc, exceptions.Throttled):
        response = Response({"detail": _("Too many requests; try again in %(seconds)s seconds.")
                             % {"seconds": int(exc.wait or 1)}}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        if exc.wait:
            response["Retry-After"] = str(int(exc.wait))
        return response
    elif isinstance(exc, IntegrityError):
        set_rollback()
        return Response({"detail": _("This conflicts with a record that already exists.")},
                        status=status.HTTP_409_CONFLICT)
    return drf_exception_handler(exc, context)
