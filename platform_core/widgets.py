"""The form widgets every app uses for dates (defined once: see STYLE.md, "one concern, one place").

A browser's ``<input type="date">`` only accepts ISO ``YYYY-MM-DD``; Django's default
DateInput renders the active locale's first input format (``2021/03/01`` in zh-hans),
which the browser drops, so a form saved unchanged would erase the date. These widgets
always render the ISO value, in every language.
"""
from django import forms

ISO_DATE = "%Y-%m-%d"
ISO_DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    """A native date picker that round-trips its value."""

    input_type = "date"

    def __init__(self, attrs=None, format=None):  # noqa: A002 (Django's own argument name)
        super().__init__(attrs=attrs, format=format or ISO_DATE)


class DateTimeInput(forms.DateTimeInput):
    """A native date-and-time picker (``datetime-local``, minutes precision) that round-trips its value."""

    input_type = "datetime-local"

    def __init__(self, attrs=None, format=None):  # noqa: A002
        super().__init__(attrs=attrs, format=format or ISO_DATETIME_LOCAL)
