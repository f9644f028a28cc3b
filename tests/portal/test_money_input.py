"""Amounts typed the way people write them: portal.money.parse_krw, the KRWField, and the browser's echo
(static/js/krw-input.js), which must read every text the same way as the server."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation

from portal.forms_money import KRWField
from portal.money import MAX_KRW, KRWParseError, format_krw, parse_krw

READ = [
    ("1,200억", 120_000_000_000),
    ("3억 5천만", 350_000_000),
    ("3억 5,000만", 350_000_000),
    ("3억5천만원", 350_000_000),
    ("1조 2천억", 1_200_000_000_000),
    ("12,000억", 1_200_000_000_000),  # the leading unit may count past 1만
    ("3,000,000,000", 3_000_000_000),
    ("3000000000", 3_000_000_000),
    ("30억", 3_000_000_000),
    ("5000만원", 50_000_000),
    ("5,000만 원", 50_000_000),
    ("12억원", 1_200_000_000),
    ("12억 원", 1_200_000_000),
    ("123만 4567", 1_234_567),  # after 만, a bare number is won
    ("3억 5000원", 300_005_000),  # 원 says it: won
    ("2천5백만", 25_000_000),
    ("천만 원", 10_000_000),  # a bare unit is one of it
    ("만 원", 10_000),
    ("억", 100_000_000),
    ("십만", 100_000),
    ("5천", 5_000),
    ("0", 0),
    ("0원", 0),
    ("0억", 0),
    ("1.5억", 150_000_000),  # decimals before 조, 억 or 만, when they come to whole won
    ("1.23456789억", 123_456_789),
    ("1,200.5억", 120_050_000_000),
    ("１２억", 1_200_000_000),  # full-width digits
    ("  3억 5천만  ", 350_000_000),
    ("₩5,000", 5_000),
    ("1000조", MAX_KRW),  # the largest amount read
]

REFUSED = [
    ("", "invalid"), ("   ", "invalid"), ("abc", "invalid"), ("1e5", "invalid"), ("3 000", "invalid"),
    ("3억원 5천", "invalid"), ("12천", "invalid"), (",100", "invalid"), ("$5", "invalid"),
    ("-5억", "negative"), ("−5억", "negative"),
    ("1001조", "too_large"), ("1,000,000,000,000,001", "too_large"),
    ("3,00,000", "commas"), ("1,2억", "commas"),
    ("1억 2조", "order"), ("1억 2억", "order"), ("천천", "order"), ("5천천", "order"),
    ("1.5", "fraction"), ("0.5", "fraction"), ("1.234567891억", "fraction"), ("3억 0.5만", "fraction"),
    ("3억 5000", "ambiguous"), ("1조 5", "ambiguous"),  # read by many as 3억 5,000만: never guessed
    ("3억 15000만", "part_too_large"), ("123만 45678", "part_too_large"),
]


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


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js runs the echo's parser outside a browser")
def test_the_browser_echo_reads_every_text_as_the_server_does(tmp_path):
    script = Path(settings.BASE_DIR) / "static" / "js" / "krw-input.js"
    texts = [text for text, _ in READ] + [text for text, _ in REFUSED if text.strip()]
    harness = tmp_path / "harness.js"
    harness.write_text("""
const fs = require("fs");
const src = fs.readFileSync(process.argv[2], "utf8");
const texts = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
const codes = ["invalid", "negative", "too_large", "commas", "order", "fraction", "ambiguous", "part_too_large"];
const echo = {dataset: {krwUnits: process.argv[4], krwSmallUnits: process.argv[5], krwWon: "원",
  krwMax: process.argv[6], krwMessages: JSON.stringify(Object.fromEntries(codes.map(c => [c, "!" + c])))},
  textContent: "", classList: {add() {}, remove() {}}};
const out = [];
for (const text of texts) {
  const input = {value: text, dataset: {krwEcho: "echo"}, addEventListener() {}};
  global.document = {querySelectorAll: () => [input], getElementById: () => echo};
  eval(src);
  out.push(echo.textContent);
}
console.log(JSON.stringify(out));
""")
    cases = tmp_path / "cases.json"
    cases.write_text(json.dumps(texts))
    from portal.money import BIG_UNITS, SMALL_UNITS

    echoed = json.loads(subprocess.run(
        ["node", str(harness), str(script), str(cases), json.dumps(BIG_UNITS), json.dumps(SMALL_UNITS),
         str(MAX_KRW)], capture_output=True, text=True, check=True, timeout=30).stdout)
    for text, shown in zip(texts, echoed, strict=True):
        try:
            expected = format_krw(parse_krw(text), "ko")
        except KRWParseError as refusal:
            expected = "!" + refusal.code
        assert shown == expected, text
