from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc


def validate_credit_code(value: str) -> None:
    """Unified social credit code (统一社会信用代码, GB 32100-2015), check digit included."""
    if not value:
        return
    try:
        uscc.validate(value)
    except stdnum_errors.InvalidChecksum:
        raise ValidationError(
            _("The unified social credit code %(code)s has a wrong check digit.") % {"code": value},
            code="credit_code_checksum",
        )
    except stdnum_errors.ValidationError:
        raise ValidationError(
            _("%(code)s is not a valid unified social credit code (18 characters: digits and capital letters).")
            % {"code": value},
            code="credit_code_invalid",
        )


def normalise_credit_code(value: str) -> str:
    return uscc.compact(value) if value else ""
