"""The partner picker: a server-side search of approved members (projects.search), as JSON for the autocomplete
and as a search step without JavaScript, and the proposal form reading what it filled in."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from members.models import Membership, Organization
from projects import search
from projects.models import Participant
from tests import personas
from tests.projects.test_forms import create, form_data

pytestmark = pytest.mark.django_db
URL = reverse("my-proposals:organization-search")


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def signed_in(client, owner):
    client.force_login(owner)
    return client


def members(n, prefix="정밀", **fields):
    return [personas.organization(f"{prefix}{i:03d}", **fields) for i in range(n)]


def found(client, q):
    response = client.get(URL, {"q": q}, headers={"accept": "application/json"})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return response.json()


def test_a_search_returns_at_most_a_page(signed_in):
    members(search.PAGE + 5)
    answer = found(signed_in, "정밀")
    assert len(answer["results"]) == search.PAGE and answer["more"] is True
    assert answer["results"][0] == {"label": "정밀000 (" + Organization.objects.get(name="정밀000")
                                    .business_number_display + ")", "name": "정밀000",
                                    "number": Organization.objects.get(name="정밀000").business_number_display,
                                    "size": "Small or medium enterprise", "group": "sme"}


def test_names_match_from_their_start_and_numbers_from_their_start_or_exactly(signed_in):
    [org] = members(1, prefix="한빛")
    assert [r["name"] for r in found(signed_in, "한빛")["results"]] == ["한빛000"]
    assert found(signed_in, "빛")["results"] == []
    assert [r["name"] for r in found(signed_in, org.business_number[:9])["results"]] == ["한빛000"]
    assert [r["name"] for r in found(signed_in, org.business_number_display)["results"]] == ["한빛000"]


def test_unlisted_members_are_found_only_by_their_exact_number(signed_in):
    hidden = personas.organization("숨은회사", listed_in_directory=False)
    assert found(signed_in, "숨은")["results"] == []
    assert found(signed_in, hidden.business_number[:9])["results"] == []
    assert [r["name"] for r in found(signed_in, hidden.business_number)["results"]] == ["숨은회사"]
    assert [r["name"] for r in found(signed_in, hidden.business_number_display)["results"]] == ["숨은회사"]


def test_members_not_approved_are_never_found(signed_in):
    waiting = personas.organization("대기회사", status=Organization.Status.PENDING)
    assert found(signed_in, "대기")["results"] == []
    assert found(signed_in, waiting.business_number)["results"] == []


@pytest.mark.parametrize("size", [5, 50])
def test_a_search_runs_the_same_queries_whatever_the_number_of_members(signed_in, size,
                                                                       django_assert_num_queries):
    members(size)
    # The session, the user, the membership with its organisation, then one query for the results.
    with django_assert_num_queries(4):
        assert found(signed_in, "정밀")["results"]
    with django_assert_num_queries(4):
        signed_in.get(URL, {"q": "정밀"})


def test_the_search_is_for_managers_of_an_organisation(client, lead_member, owner):
    assert client.get(URL, {"q": "a"})["Location"].startswith(reverse("account_login"))
    client.force_login(personas.user())
    assert client.get(URL, {"q": "a"}).status_code == 404
    client.force_login(lead_member)
    assert client.get(URL, {"q": "a"}).status_code == 403


def test_searches_are_throttled(signed_in):
    for _ in range(search.PER_MINUTE):
        assert signed_in.get(URL, {"q": "정"}, headers={"accept": "application/json"}).status_code == 200
    response = signed_in.get(URL, {"q": "정"}, headers={"accept": "application/json"})
    assert response.status_code == 429 and response["Retry-After"] == "60"


def test_without_javascript_the_search_step_fills_a_row_of_the_draft(signed_in, call, lead_org):
    [partner] = members(1, prefix="부품")
    response = create(signed_in, call, form_data(call, [(lead_org, "lead", 0, 0, 0)], action="find"))
    proposal = lead_org.led_proposals.get()
    assert response["Location"] == f"{URL}?proposal={proposal.pk}"
    page = signed_in.get(URL, {"q": "부품", "proposal": proposal.pk}).text
    pick = reverse("my-proposals:edit", args=[proposal.pk]) + f"?pick={partner.business_number}"
    assert pick in page
    form = signed_in.get(pick).text
    assert f'value="{search.label(partner)}"' in form


def test_the_form_takes_what_the_picker_filled_in_and_unlisted_members_by_number_only(signed_in, call, lead_org):
    listed = personas.organization("공개부품", tier="sme")
    hidden = personas.organization("비공개부품", tier="sme", listed_in_directory=False)

    def rows(partner_text):
        data = form_data(call, [(lead_org, "lead", 100, 100, 0), (listed, "demand_company", 75, 25, 0)])
        data["participants-1-organization"] = partner_text
        return data

    assert create(signed_in, call, rows("공개부품")).status_code == 302  # an exact name of a listed member
    response = create(signed_in, call, rows("비공개부품"))
    assert response.status_code == 200 and "No approved member matches" in response.text
    assert create(signed_in, call, rows(search.label(hidden))).status_code == 302
    assert Participant.objects.filter(organization=hidden).exists()


def test_the_autocomplete_is_our_own_script_and_the_box_says_what_it_takes(signed_in, call):
    page = signed_in.get(reverse("my-proposals:create", args=[call.pk])).text
    assert "js/org-picker" in page and f'data-org-picker="{URL}"' in page
    assert "<script>" not in page


def test_the_managers_role_is_read_per_request(signed_in, owner, lead_org):
    Membership.objects.filter(user=owner).update(role=Membership.Role.MEMBER)
    assert signed_in.get(URL, {"q": "a"}).status_code == 403
