"""사업자등록번호: the National Tax Service check digit, python-stdnum's component rules, the input forms we
accept (dashes of any kind, spaces, full-width digits) and what the type code says about the holder."""

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
        ("120 81 47521", True),  # spaces instead of dashes
        ("1 2 0 8 1 4 7 5 2 1", True),
        ("", False),
        ("１２０８１４７５２１", True),  # full-width digits, as a Korean IME types them
        ("１２０－８１－４７５２１", True),  # and the full-width hyphen
        ("120–81–47521", True),  # en dashes from a word processor
        ("120—81—47521", True),  # em dashes
        ("120‐81‐47521", True),  # the Unicode hyphen
        ("１２０８１４７５２２", False),  # full-width, wrong check digit
        ("١٢٠٨١٤٧٥٢١", False),  # Arabic-Indic digits are digits to Python, not to us
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


# --- python-stdnum's component rules (stdnum.kr.brn), on numbers whose check digit is right ---------------


@pytest.mark.parametrize(
    ("first_nine", "why"),
    [
        ("000000000", "000-00-00000 passes the check digit alone"),
        ("100810001", "tax office 100: offices start at 101"),
        ("099810001", "tax office 099"),
        ("120000001", "type code 00"),
        ("120810000", "serial 0000"),
    ],
)
def test_impossible_numbers_are_refused_even_with_the_right_check_digit(first_nine, why):
    number = business_numbers.make(first_nine)
    assert business_numbers.check_digit(number[:9]) == int(number[9]), why
    with pytest.raises(ValidationError) as error:
        business_numbers.validate(number)
    assert error.value.code == "component", why
    assert not business_numbers.is_valid(number)


def test_the_smallest_possible_components_are_accepted():
    assert business_numbers.is_valid(business_numbers.make("101010001"))


def test_example_numbers_are_valid_distinct_and_of_the_asked_type():
    numbers = [business_numbers.example(i, "82") for i in range(0, 30_000, 7)]
    assert all(business_numbers.is_valid(n) for n in numbers)
    assert len(set(numbers)) == len(numbers)
    assert {business_numbers.type_code(n) for n in numbers} == {"82"}


def test_stored_form_with_spaces_inside_is_still_refused_by_the_model_validator():
    # The form normalises; the model's validator sees only what is stored and wants ten ASCII digits.
    with pytest.raises(ValidationError) as error:
        business_numbers.validate("120 81 47521")
    assert error.value.code == "format"


# --- the type code ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "corporation", "for_profit", "not_for_profit"),
    [
        ("01", False, True, False), ("79", False, True, False),  # individual, VAT-taxable
        ("90", False, True, False), ("99", False, True, False),  # individual, VAT-exempt
        ("80", False, False, False),  # apartment management offices, multi-level sellers: neither
        ("81", True, True, False), ("86", True, True, False), ("87", True, True, False), ("88", True, True, False),
        ("85", True, True, False),  # a for-profit corporation's branch
        ("82", True, False, True),  # non-profit corporation
        ("83", True, False, True),  # the state, local governments
        ("84", True, False, False),  # foreign corporation: either
        ("89", False, False, True),  # religious body that is not a corporation
    ],
)
def test_what_the_type_code_says(code, corporation, for_profit, not_for_profit):
    number = business_numbers.make(f"120{code}4752")
    assert business_numbers.type_code(number) == code
    assert business_numbers.is_corporation(number) is corporation
    assert (code in business_numbers.FOR_PROFIT) is for_profit
    assert (code in business_numbers.NOT_FOR_PROFIT) is not_for_profit
    assert business_numbers.type_label(code)
