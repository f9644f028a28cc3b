import pytest
from django.template import Context, Template
from django.utils import translation

from portal.money import exact_krw, format_krw, rounded_krw


@pytest.mark.parametrize(
    ("amount", "korean", "english"),
    [
        (0, "0원", "KRW 0"),
        (1, "1원", "KRW 1"),
        (9_999, "9,999원", "KRW 9,999"),
        (10_000, "1만 원", "KRW 10,000"),
        (1_234_567, "123만 4,567원", "KRW 1.23 million"),
        (100_000_000, "1억 원", "KRW 100 million"),
        (10_000_000_000, "100억 원", "KRW 10 billion"),
        (10_000_000_001, "100억 1원", "KRW 10 billion"),
        (300_000_000_000, "3,000억 원", "KRW 300 billion"),
        (2_500_000_000_000, "2조 5,000억 원", "KRW 2.5 trillion"),
        (10_000_000_000_000, "10조 원", "KRW 10 trillion"),
        (-1_234_567, "-123만 4,567원", "-KRW 1.23 million"),
    ],
)
def test_amounts_read_the_way_people_read_them(amount, korean, english):
    assert format_krw(amount, "ko") == korean
    assert format_krw(amount, "en") == english


def test_exact_figure_keeps_every_won():
    assert exact_krw(10_000_000_001, "ko") == "10,000,000,001원"
    assert exact_krw(10_000_000_001, "en") == "KRW 10,000,000,001"


@pytest.mark.parametrize("bad", [1.5, 10.0, "100", None, True])
def test_anything_but_an_integer_is_refused(bad):
    with pytest.raises(TypeError, match="whole numbers of won"):
        format_krw(bad)


def test_template_filter_shows_the_readable_amount_with_the_exact_figure_in_a_title():
    template = Template("{% load portal_tags %}{{ amount|krw }}")
    with translation.override("ko"):
        html = template.render(Context({"amount": 2_500_000_000_000}))
    assert html == '<data value="2500000000000" title="2,500,000,000,000원">2조 5,000억 원</data>'
    with translation.override("en"):
        html = template.render(Context({"amount": 10_000_000_000}))
    assert html == '<data value="10000000000" title="KRW 10,000,000,000">KRW 10 billion</data>'


def test_template_filter_leaves_missing_amounts_empty():
    template = Template("{% load portal_tags %}[{{ amount|krw }}]")
    assert template.render(Context({"amount": None})) == "[]"


@pytest.mark.parametrize(
    ("amount", "korean", "english"),
    [
        (13_835_238_100, "138억 원", "KRW 13.8 billion"),
        (13_850_000_000, "139억 원", "KRW 13.9 billion"),
        (1_234_567_890_123, "1조 2,346억 원", "KRW 1.2 trillion"),
        (9_999_000_000, "100억 원", "KRW 10 billion"),
        (35_238_100, "3,524만 원", "KRW 35.2 million"),
        (15_000, "1만 5,000원", "KRW 15,000"),
        (0, "0원", "KRW 0"),
        (-13_835_238_100, "-138억 원", "-KRW 13.8 billion"),
    ],
)
def test_headline_amounts_are_rounded_for_reading(amount, korean, english):
    assert rounded_krw(amount, "ko") == korean
    assert rounded_krw(amount, "en") == english


def test_rounded_filter_keeps_the_exact_figure_in_a_title():
    template = Template("{% load portal_tags %}{{ amount|krw_rounded }}")
    with translation.override("ko"):
        html = template.render(Context({"amount": 13_835_238_100}))
    assert html == '<data value="13835238100" title="13,835,238,100원">138억 원</data>'


def test_rounding_refuses_anything_but_an_integer():
    with pytest.raises(TypeError, match="whole numbers of won"):
        rounded_krw(1.5)
