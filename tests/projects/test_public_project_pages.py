"""A page per selected lead project, and a page per member that chose one: what the public may see, and no more."""

import pytest
from django.urls import reverse

from members.models import Organization
from projects.models import KPI, Participant, Proposal
from tests import personas

pytestmark = pytest.mark.django_db
S = Proposal.Status


@pytest.fixture
def past_call(db):
    return personas.call(opens=-90, closes=-30, title="2026년 1차 공모")


@pytest.fixture
def selected(past_call, lead_org, partner_org):
    """대형제조 leads it with 중소부품 as demand company; a research institute takes part too."""
    project = personas.ready_proposal(past_call, lead=lead_org, partner=partner_org, status=S.SELECTED,
                                      title="도장 라인 AI 불량 검출")
    institute = personas.organization("생산기술연구원", kind=Organization.Kind.INSTITUTION)
    personas.participant(project, institute, Participant.Role.RESEARCH_PARTNER)
    return project


def project_url(project):
    return reverse("projects:project-detail", args=[project.pk])


def member_url(org):
    return reverse("organizations:detail", args=[org.pk])


def listed_with_page(org):
    Organization.objects.filter(pk=org.pk).update(public_page=True)
    org.refresh_from_db()
    return org


# --- the project page ---------------------------------------------------------------------------------


def test_a_selected_project_shows_its_summary_consortium_ai_areas_kpis_call_and_funding(client, selected):
    page = client.get(project_url(selected)).text
    assert "도장 라인 AI 불량 검출" in page and "요약" in page
    assert "2026년 1차 공모" in page and reverse("projects:call-detail", args=[selected.call_id]) in page
    assert "Defect detection" in page
    assert "생산성" in page and "100 %" in page and "120 %" in page
    assert "KRW 7.5 billion" in page  # 30억 for the lead and 45억 for the SME: the government total
    rows = [("대형제조", "Lead"), ("중소부품", "Demand company"), ("생산기술연구원", "Research partner")]
    for name, role in rows:
        assert f"{name}</td>\n              <td>{role}</td>" in page
    assert page.index("대형제조") < page.index("중소부품") < page.index("생산기술연구원")


def test_a_project_page_shows_neither_budget_lines_nor_documents_nor_reviews(client, selected):
    page = client.get(project_url(selected)).text
    assert "KRW 3 billion" not in page  # the lead's own line
    assert "proposal.pdf" not in page and "문제와 목표" not in page  # the document, the problem statement
    assert reverse("my-proposals:document", args=[selected.pk]) not in page


@pytest.mark.parametrize("status", [S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.CHANGES_REQUESTED, S.REJECTED,
                                    S.WITHDRAWN])
def test_a_proposal_that_was_not_selected_is_a_404_to_everybody(client, past_call, lead_org, owner, status):
    proposal = personas.ready_proposal(past_call, lead=lead_org, status=status)
    assert client.get(project_url(proposal)).status_code == 404
    client.force_login(owner)  # its own lead's owner too: the company reads it under /my/proposals/
    assert client.get(project_url(proposal)).status_code == 404


def test_the_call_pages_link_each_selected_project_to_its_page(client, selected):
    for url in (reverse("projects:call-list"), reverse("projects:call-detail", args=[selected.call_id])):
        assert f'href="{project_url(selected)}"' in client.get(url).text, url


def test_the_consortium_links_the_members_that_have_a_page_and_only_those(client, selected, lead_org, partner_org):
    listed_with_page(partner_org)
    page = client.get(project_url(selected)).text
    assert f'href="{member_url(partner_org)}"' in page
    assert member_url(lead_org) not in page


@pytest.mark.parametrize("size", [2, 6])
def test_the_project_page_runs_the_same_queries_whatever_the_consortium(client, selected, size,
                                                                        django_assert_num_queries):
    for i in range(size):
        personas.participant(selected, personas.organization(f"협력사{i}"), Participant.Role.TECHNOLOGY_SUPPLIER)
        KPI.objects.create(proposal=selected, indicator=f"지표{i}", baseline=1, target=2)
    client.get("/")  # the page cache's own reads (its version, the next scheduled change) settle first
    # the project with its call and industry; its AI areas, KPIs and participants with their organisations; what the
    # apps above add (projects.views.project_page_parts): delivery's running project, spread's standard models
    with django_assert_num_queries(6):
        assert client.get(project_url(selected)).status_code == 200
    with django_assert_num_queries(0):  # from the cache
        assert client.get(project_url(selected)).status_code == 200


def test_a_changed_kpi_shows_at_once(client, selected):
    assert "생산성" in client.get(project_url(selected)).text
    kpi = selected.kpis.get()
    kpi.indicator = "설비 가동률"
    kpi.save()
    assert "설비 가동률" in client.get(project_url(selected)).text


def test_a_project_that_is_no_longer_shown_disappears_at_once(client, selected):
    assert client.get(project_url(selected)).status_code == 200
    selected.status = S.WITHDRAWN
    selected.save()
    assert client.get(project_url(selected)).status_code == 404


# --- a member's page -------------------------------------------------------------------------------------


def test_a_member_with_a_page_shows_its_public_facts_and_its_selected_projects(client, selected, partner_org,
                                                                               past_call):
    org = listed_with_page(partner_org)
    personas.ready_proposal(past_call, partner=org, status=S.REJECTED, title="탈락한 과제")
    page = client.get(member_url(org)).text
    assert "중소부품" in page and "Small or medium enterprise" in page and "Machinery" in page
    assert "Gyeonggi" in page  # the province of the address, not the address
    assert f'href="{project_url(selected)}"' in page and "Demand company" in page
    assert "탈락한 과제" not in page


def test_a_member_page_shows_no_people_documents_or_private_details(client, partner_org, partner_person):
    org = listed_with_page(partner_org)
    page = client.get(member_url(org)).text
    assert partner_person.email not in page and "김대표" not in page  # people: owners, the representative
    assert reverse("members:tier-proof", args=[org.pk]) not in page and "0001-2026-01" not in page
    assert org.business_number not in page and "단원구" not in page


@pytest.mark.parametrize("change", [
    {"public_page": False},  # did not choose a page
    {"listed_in_directory": False},  # withdrew from the directory
    {"status": Organization.Status.PENDING},
    {"status": Organization.Status.SUSPENDED},
])
def test_a_member_page_is_a_404_unless_approved_listed_and_chosen(client, partner_org, change):
    org = listed_with_page(partner_org)
    Organization.objects.filter(pk=org.pk).update(**change)
    assert client.get(member_url(org)).status_code == 404


@pytest.mark.parametrize("projects", [1, 5])
def test_a_member_page_runs_the_same_queries_whatever_its_projects(client, partner_org, past_call, projects,
                                                                   django_assert_num_queries):
    org = listed_with_page(partner_org)
    for i in range(projects):
        personas.ready_proposal(past_call, partner=org, status=S.SELECTED, title=f"과제{i}")
    client.get("/")
    # the organisation, its roles in shown projects, those projects with their calls, their AI areas
    with django_assert_num_queries(4):
        response = client.get(member_url(org))
    assert response.text.count('href="/projects/') >= projects


def test_the_directory_links_the_members_that_have_a_page(client, lead_org, partner_org):
    listed_with_page(partner_org)
    page = client.get(reverse("members:directory")).text
    assert f'href="{member_url(partner_org)}"' in page
    assert member_url(lead_org) not in page and "대형제조" in page
