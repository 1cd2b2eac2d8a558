import pytest
from django.core.exceptions import ValidationError

from transfer.patent_numbers import (
    application_check_digit, application_patent_type, normalise_application_number, normalise_ipc_code,
    normalise_publication_number,
)


def test_check_digit_uses_weights_2_to_9_then_2_to_5_mod_11():
    # 2·2+0·3+1·4+9·5+1·6+0·7+1·8+2·9+3·2+4·3+5·4+6·5 = 153 ≡ 10 (mod 11) → X
    assert application_check_digit("201910123456") == "X"
    assert application_check_digit("201820123457") == str(sum(
        int(d) * w for d, w in zip("201820123457", (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5))) % 11)


@pytest.mark.parametrize("written", ["201910123456.X", "CN201910123456.X", "2019 1 0123456.X", "ZL 201910123456.x",
                                     "201910123456X"])
def test_written_forms_normalise_to_one_number(written):
    assert normalise_application_number(written) == "201910123456.X"


def test_old_eight_digit_numbers():
    digits = "98123456"
    check = application_check_digit(digits)
    assert normalise_application_number(f"{digits}.{check}") == f"{digits}.{check}"
    assert application_patent_type(f"{digits}.{check}") == "invention"


@pytest.mark.parametrize("bad, code", [
    ("201910123456.7", "application_number_checksum"),
    ("20191012345.X", "application_number_format"),
    ("2019A0123456.X", "application_number_format"),
    ("201940123456.1", "application_number_type"),
    ("", "application_number_format"),
])
def test_malformed_application_numbers_are_refused(bad, code):
    with pytest.raises(ValidationError) as exc:
        normalise_application_number(bad)
    assert exc.value.code == code


def test_type_digit_gives_the_patent_type():
    assert application_patent_type("202120123456.0") == "utility_model"
    assert application_patent_type("202130123456.0") == "design"


def test_publication_numbers():
    assert normalise_publication_number("cn 110123456 a") == "CN110123456A"
    assert normalise_publication_number("CN210123456U") == "CN210123456U"
    for bad in ("CN11012A", "US110123456A", "CN110123456Q"):
        with pytest.raises(ValidationError):
            normalise_publication_number(bad)


def test_ipc_codes():
    assert normalise_ipc_code("h01m10/052") == "H01M 10/052"
    assert normalise_ipc_code("B23K 26/34") == "B23K 26/34"
    assert normalise_ipc_code("H01M") == "H01M"
    for bad in ("Z01M 10/052", "H01 10/052", "H01M10-052"):
        with pytest.raises(ValidationError):
            normalise_ipc_code(bad)
