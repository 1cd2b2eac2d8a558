"""Chinese patent numbers: application numbers (申请号), publication numbers (公开/公告号) and IPC codes.

python-stdnum has no module for CN patent numbers, so this is a small validator.

Application numbers since 1 October 2003 have 12 digits: filing year (4), patent type (1)
and serial (7), followed by a check digit after a dot: ``201910123456.X``. The check digit
is the sum of the 12 digits weighted 2,3,4,5,6,7,8,9,2,3,4,5, modulo 11; 10 is written X.
Older numbers have 8 digits (year 2, type 1, serial 5) and a check digit computed the same
way with weights 2..9. Users write them with a ``CN`` or ``ZL`` prefix, spaces or no dot;
all of these are accepted and normalised to ``201910123456.X``.
"""
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

NEW_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
OLD_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9)

# Type digit of the application number → patent type (8 and 9: PCT applications entering China).
APPLICATION_TYPE_DIGITS = {"1": "invention", "8": "invention", "2": "utility_model", "9": "utility_model",
                           "3": "design"}
OLD_APPLICATION_TYPE_DIGITS = {"1": "invention", "2": "utility_model", "3": "design"}

# Kind codes of publication numbers: A application published, B/C granted invention,
# U/Y utility model, S/D design.
PUBLICATION_KIND_TYPES = {"A": "invention", "B": "invention", "C": "invention",
                          "U": "utility_model", "Y": "utility_model", "S": "design", "D": "design"}

_SEPARATORS = re.compile(r"[\s\-]")
_APPLICATION = re.compile(r"^(?:CN|ZL)?(\d{8}|\d{12})\.?([0-9X])$")
_PUBLICATION = re.compile(r"^CN(\d{7,9})([ABCUYSD])(\d?)$")
_IPC = re.compile(r"^([A-H])(\d{2})([A-Z])(?:(\d{1,4})/(\d{1,6}))?$")


def application_check_digit(digits: str) -> str:
    weights = NEW_WEIGHTS if len(digits) == 12 else OLD_WEIGHTS
    remainder = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    return "X" if remainder == 10 else str(remainder)


def compact(value: str) -> str:
    return _SEPARATORS.sub("", (value or "").strip().upper()).replace("．", ".")


def normalise_application_number(value: str) -> str:
    """Validate a CN application number and return it as ``DIGITS.C``; raise ValidationError if invalid."""
    text = compact(value)
    match = _APPLICATION.match(text)
    if not match:
        raise ValidationError(
            _("“%(value)s” is not a Chinese patent application number "
              "(12 digits and a check digit, e.g. 201910123456.X; older numbers: 8 digits and a check digit).")
            % {"value": value},
            code="application_number_format",
        )
    digits, check = match.groups()
    types = APPLICATION_TYPE_DIGITS if len(digits) == 12 else OLD_APPLICATION_TYPE_DIGITS
    type_digit = digits[4] if len(digits) == 12 else digits[2]
    if type_digit not in types:
        raise ValidationError(
            _("Application number %(value)s has an unknown patent type digit %(digit)s.")
            % {"value": value, "digit": type_digit},
            code="application_number_type",
        )
    expected = application_check_digit(digits)
    if check != expected:
        raise ValidationError(
            _("Application number %(value)s has a wrong check digit (expected %(expected)s).")
            % {"value": value, "expected": expected},
            code="application_number_checksum",
        )
    return f"{digits}.{check}"


def application_patent_type(number: str) -> str:
    """The patent type encoded in a normalised application number."""
    digits = number.split(".")[0]
    if len(digits) == 12:
        return APPLICATION_TYPE_DIGITS[digits[4]]
    return OLD_APPLICATION_TYPE_DIGITS[digits[2]]


def normalise_publication_number(value: str) -> str:
    """Validate a CN publication/grant number such as CN110123456A or CN210123456U."""
    text = compact(value)
    if not text:
        return ""
    if not _PUBLICATION.match(text):
        raise ValidationError(
            _("“%(value)s” is not a Chinese publication number (CN, 7 to 9 digits and a kind code such as "
              "A, B, U or S, e.g. CN110123456A).") % {"value": value},
            code="publication_number_format",
        )
    return text


def publication_patent_type(number: str) -> str:
    return PUBLICATION_KIND_TYPES[_PUBLICATION.match(number).group(2)]


def normalise_ipc_code(value: str) -> str:
    """Validate an IPC symbol (section, class, subclass, optional group/subgroup) → ``H01M 10/052``."""
    text = compact(value)
    match = _IPC.match(text)
    if not match:
        raise ValidationError(
            _("“%(value)s” is not an IPC code (e.g. H01M 10/052 or H01M).") % {"value": value},
            code="ipc_format",
        )
    section, klass, subclass, group, subgroup = match.groups()
    symbol = f"{section}{klass}{subclass}"
    return f"{symbol} {int(group)}/{subgroup.zfill(2)}" if group else symbol


def validate_application_number(value: str) -> None:
    normalise_application_number(value)


def validate_ipc_codes(values) -> None:
    if not isinstance(values, list):
        raise ValidationError(_("IPC codes must be a list."))
    for value in values:
        normalise_ipc_code(value)
