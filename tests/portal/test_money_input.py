"""Amounts typed the way people write them: portal.money.parse_krw, the KRWField, and the browser's echo
(static/js/krw-input.js), which must read every text the same way as the server: tests/browser/test_amount_echo.py
runs it in Chromium on the cases of tests/portal/money_cases.py."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from portal.forms_money import KRWField
from portal.money import KRWParseError, parse_krw
from tests.portal.money_cases import READ, REFUSED


@pytest.mark.parametrize(("text", "amount"), READ)
def test_amounts_are_read_as_people_mean_them(text, amount):
    assert parse_krw(text) == amount


@pytest.mark.parametrize(("text", "code"), REFUSED)
def test_nonsense_is_refused_with_a_message_never_a_guess(text, code):
    with pytest.raises(KRWParseError) as caught:
        parse_krw(text)
    assert caught.value.code == code
    assert caught.value.messages[0]  # a sentence for the user, translated
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, ValidationError)


def test_messages_are_translated():
    with pytest.raises(KRWParseError) as caught:
        parse_krw("3억 5000")
    # The message is read in the language of whoever reads it.
    with translation.override("en"):
        assert caught.value.messages == ["Write the unit after the last number, e.g. 3억 5,000만 or 3억 5,000원."]
    with translation.override("ko"):
        assert caught.value.messages == ["마지막 숫자 뒤에 단위를 써 주세요. 예: 3억 5,000만 또는 3억 5,000원"]


class RevenueForm(forms.Form):
    revenue = KRWField(required=False, max_value=10**13)


def test_the_field_returns_an_int_or_none():
    form = RevenueForm({"revenue": "30억"})
    assert form.is_valid() and form.cleaned_data["revenue"] == 3_000_000_000
    form = RevenueForm({"revenue": ""})
    assert form.is_valid() and form.cleaned_data["revenue"] is None


def test_the_field_keeps_its_bounds():
    with translation.override("en"):
        form = RevenueForm({"revenue": "11조"})
        assert not form.is_valid()
        assert form.errors["revenue"] == ["Enter at most KRW 10 trillion."]


def test_the_widget_shows_an_amount_with_commas_and_an_echo_with_the_rules():
    html = str(RevenueForm(initial={"revenue": 3_000_000_000})["revenue"])
    assert 'value="3,000,000,000"' in html and 'inputmode="text"' in html
    assert '<output class="krw-echo"' in html and 'aria-live="polite"' in html and 'data-krw-messages="' in html
    # What was typed comes back as typed when the form has an error.
    assert 'value="3억 5000"' in str(RevenueForm({"revenue": "3억 5000"})["revenue"])


def test_the_script_is_the_portals_own_and_loads_deferred():
    assert "js/krw-input.js" in str(RevenueForm().media) and "defer" in str(RevenueForm().media)
