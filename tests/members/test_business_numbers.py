"""The National Tax Service check digit of 사업자등록번호, and the input forms we accept."""

import pytest
from django.core.exceptions import ValidationError

from members import business_numbers


@pytest.mark.parametrize(
    ("given", "valid"),
    [
        ("120-81-47521", True),
        ("116-82-00276", True),
        ("1208147521", True),
        (" 120-81-47521 ", True),
        ("120-81-47522", False),  # one off in the check digit
        ("220-81-62517", True),
        ("101-01-00090", True),  # check digit 0
        ("101-01-00091", False),
        ("120-81-4752", False),  # nine digits
        ("120-81-475210", False),  # eleven digits
        ("12O-81-47521", False),  # a letter O, not a zero
        ("abcdefghij", False),
        ("12-081-47521", False),  # dashes in odd places
        ("1208-14-7521", False),
        ("120--81-47521", False),
        ("120 81 47521", False),
        ("", False),
        ("１２０８１４７５２１", False),  # full-width digits are not accepted as ASCII digits
    ],
)
def test_checksum_table(given, valid):
    assert business_numbers.is_valid(business_numbers.normalize(given)) is valid


def test_the_carry_of_digit_nine_counts():
    # digit 9 is 5: 5 × 5 = 25 gives weight 25 and a carry of 2 (⌊25/10⌋).
    assert business_numbers.check_digit("000000005") == (10 - (25 + 2) % 10) % 10


def test_check_digit_zero_example_is_really_zero():
    assert business_numbers.make("101010009") == "1010100090"


def test_normalise_keeps_ten_digits_and_display_puts_dashes_back():
    assert business_numbers.normalize("120-81-47521") == "1208147521"
    assert business_numbers.display("1208147521") == "120-81-47521"


@pytest.mark.parametrize(("value", "code"), [("120814752", "format"), ("1208147522", "checksum")])
def test_validator_says_what_is_wrong(value, code):
    with pytest.raises(ValidationError) as error:
        business_numbers.validate(value)
    assert error.value.code == code
