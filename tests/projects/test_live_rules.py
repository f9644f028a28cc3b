"""What the proposal form hands its live budget check (static/js/proposal-totals.js): the call's figures, each
group's limits, the groups of the organisations the page names, and the funding rules' own messages, translated,
with their placeholders (projects.rules.live_rules); and the rows the page adds without a round trip (the
formsets' empty forms in <template> elements). The browser's side is tests/browser/test_budget_summary.py."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from members.models import Organization
from projects import rules
from tests import personas
from tests.projects.test_budget_amounts import edit_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, owner):
    client.force_login(owner)
    return client


def live_rules(response):
    match = re.search(r'<script id="proposal-rules" type="application/json">(.*?)</script>', response.text, re.S)
    assert match, "no json_script with the rules"
    return json.loads(match.group(1))


def edit(client, proposal, **headers):
    return client.get(reverse("my-proposals:edit", args=[proposal.pk]), **headers)


def test_the_form_hands_over_the_calls_figures_and_each_groups_limits(signed_in, call, proposal):
    data = live_rules(edit(signed_in, proposal))
    assert (data["cap"], data["smallShareMinimum"], data["smallGroups"]) == (10_000_000_000, 50, ["sme", "midsize"])
    assert {group: (g["limit"], g["cashMinimum"]) for group, g in data["groups"].items()} == {
        "large": (50, 15), "midsize": (70, 13), "sme": (75, 10), "public_enterprise": (50, 15),
        "institution": (100, None),
    }
    assert data["money"]["units"] == {"조": 10**12, "억": 10**8, "만": 10**4} and data["money"]["max"] == 10**15


def test_the_messages_are_the_rules_own_templates_in_the_pages_language(signed_in, proposal):
    english = live_rules(edit(signed_in, proposal, headers={"accept-language": "en"}))
    assert english["language"] == "en"
    assert english["messages"]["governmentShare"] == str(rules.GOVERNMENT_SHARE)
    assert "%(limit)s%%" in english["messages"]["governmentShare"]  # placeholders as the server fills them
    with translation.override("ko"):
        korean = live_rules(edit(signed_in, proposal, headers={"accept-language": "ko"}))
        assert korean["language"] == "ko"
        assert korean["messages"] == {
            "governmentShare": str(rules.GOVERNMENT_SHARE), "cashMinimum": str(rules.CASH_MINIMUM),
            "fundingCap": str(rules.FUNDING_CAP), "noGovernmentFunding": str(rules.NO_GOVERNMENT_FUNDING),
            "smallShare": str(rules.SME_MIDSIZE_SHARE), "line": rules.LINE_PROBLEM,
        }
        assert "정부지원금" in korean["messages"]["smallShare"]


def test_the_organisations_named_on_the_page_come_with_their_groups_only(signed_in, lead_org, partner_org, proposal):
    organizations = live_rules(edit(signed_in, proposal))["organizations"]
    assert organizations == {
        lead_org.business_number: {"name": lead_org.name, "group": "large"},
        partner_org.business_number: {"name": partner_org.name, "group": "sme"},
    }


def test_a_partner_typed_into_a_form_sent_back_comes_with_its_group(signed_in, proposal):
    institute = personas.organization("한국생산기술연구소", kind=Organization.Kind.INSTITUTION)
    n = proposal.participants.count()
    data = edit_data(proposal, **{
        "participants-TOTAL_FORMS": n + 1, f"participants-{n}-organization": institute.business_number,
        f"participants-{n}-role": "research_partner", f"participants-{n}-government_funding": "1억",
        f"participants-{n}-private_cash": "0", f"participants-{n}-private_in_kind": "0",
        "participants-0-government_funding": "30억원x",  # an error, so the page comes back
    })
    response = signed_in.post(reverse("my-proposals:edit", args=[proposal.pk]), data)
    assert response.status_code == 200
    assert live_rules(response)["organizations"][institute.business_number] == {
        "name": "한국생산기술연구소", "group": "institution"}


def test_the_form_runs_the_same_queries_whatever_the_consortium(signed_in, call, lead_org):
    small = personas.ready_proposal(call, lead=lead_org)
    big = personas.ready_proposal(call, lead=lead_org, title="큰 컨소시엄")
    for i in range(4):
        personas.participant(big, personas.organization(f"협력사{i}"), gov=10_000_000, cash=10_000_000)
    edit(signed_in, small)  # the session and the caches warmed up
    counts = []
    for proposal in (small, big):
        with CaptureQueriesContext(connection) as queries:
            assert len(live_rules(edit(signed_in, proposal))["organizations"]) == proposal.participants.count()
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_page_carries_an_empty_row_for_each_formset_and_keeps_the_round_trip(signed_in, proposal):
    page = edit(signed_in, proposal).text
    templates = re.findall(r"<template data-formset-template>(.*?)</template>", page, re.S)
    assert len(templates) == 2
    participants, kpis = templates
    assert 'name="participants-__prefix__-organization"' in participants
    assert 'data-org-picker="' in participants
    assert 'data-krw-echo="id_participants-__prefix__-government_funding_echo"' in participants
    assert "data-formset-remove" in participants and 'name="participants-__prefix__-DELETE"' not in participants
    assert 'name="kpis-__prefix__-indicator"' in kpis
    # Without JavaScript the form still adds rows by a round trip; the script hides that button.
    assert 'name="action" value="add-rows" class="button-secondary" data-formset-fallback' in page
    assert 'id="budget-summary"' in page and "hidden" in page.split('id="budget-summary"')[1].split(">")[0]
