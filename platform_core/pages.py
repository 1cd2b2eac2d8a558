"""Small helpers shared by the server-rendered pages of every app."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator


def paginate(request, queryset, per_page: int = 20, *, param: str = "page"):
    """One page of a list; a detail page with several lists gives each its own query parameter."""
    return Paginator(queryset, per_page).get_page(request.GET.get(param))


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: field errors by field, the rest on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def flash_service_error(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)
