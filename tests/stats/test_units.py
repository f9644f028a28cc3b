"""/stats/ figures carry their units: money in 원, shares in %, counts with their counter word
(곳, 건, 개 in Korean; in English the label beside the figure names what is counted)."""

import pytest
from django.utils import translation

from stats import charts, figures
from tests.projects import factories as f

pytestmark = pytest.mark.django_db
UNITS = {charts.ORGANISATIONS, charts.CASES, charts.ITEMS, charts.PERCENT}


def test_every_key_figure_has_money_or_a_unit():
    f.ready_proposal()
    for figure in charts.key_figures(figures.get()):
        assert figure.get("money") or figure.get("unit") in UNITS, figure["key"]


def test_every_chart_series_says_how_its_values_read():
    for chart in charts.build(figures.get()):
        for series in chart.series:
            assert series.unit in UNITS or series.column in chart.money, (chart.slug, series.label)


def test_a_count_reads_with_separators_and_a_share_with_its_percent_sign():
    with translation.override("en"):
        assert charts.with_unit(12345, charts.CASES) == "12,345"
        assert charts.with_unit(42.5, charts.PERCENT) == "42.5%"


def test_the_dashboard_shows_shares_with_a_percent_sign(client):
    f.ready_proposal()
    html = client.get("/stats/", headers={"accept-language": "en"}).text
    tiers = html[html.index('id="tiers"'):html.index('id="industries"')]
    bars = [part.split("</span>")[0] for part in tiers.split('class="bar-value">')[1:]]
    values = [value for bar in bars for value in bar.split(" / ")]
    assert values and all(value.endswith("%") for value in values)
