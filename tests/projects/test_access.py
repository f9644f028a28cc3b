"""Who may open which proposal URL and document: the access matrix."""

import pytest
from django.urls import reverse

from projects.models import Proposal

GET_URLS = ["detail", "edit", "document", "annex"]
POST_URLS = ["submit", "withdraw", "annex-add", "annex-delete"]
LOGIN = 302  # anonymous visitors are sent to sign in

# persona -> expected status per URL name
MATRIX = {
    "outsider": dict.fromkeys(GET_URLS + POST_URLS, 404),
    "partner_person": {"detail": 200, "edit": 403, "document": 200, "annex": 200,
                       "submit": 403, "withdraw": 403, "annex-add": 403, "annex-delete": 403},
    "lead_member": {"detail": 200, "edit": 403, "document": 200, "annex": 200,
                    "submit": 403, "withdraw": 403, "annex-add": 403, "annex-delete": 403},
    "owner": {"detail": 200, "edit": 200, "document": 200, "annex": 200,
              "submit": 302, "withdraw": 302, "annex-add": 302, "annex-delete": 302},
    # Staff work in the admin; deciders may download the documents, a reviewer only those of the proposals of their
    # panels (tests/projects/test_panels.py): this one sits on none.
    "reviewer": {"detail": 404, "edit": 404, "document": 404, "annex": 404,
                 "submit": 404, "withdraw": 404, "annex-add": 404, "annex-delete": 404},
    "decider": {"detail": 404, "edit": 404, "document": 200, "annex": 200,
                "submit": 404, "withdraw": 404, "annex-add": 404, "annex-delete": 404},
}


def url_for(name, proposal):
    args = [proposal.pk]
    if name in ("annex", "annex-delete"):
        args.append(proposal.annexes.get().pk)
    return reverse(f"my-proposals:{name}", args=args)


@pytest.mark.parametrize("name", GET_URLS + POST_URLS)
def test_anonymous_visitors_are_sent_to_sign_in(client, proposal, name):
    response = client.post(url_for(name, proposal)) if name in POST_URLS else client.get(url_for(name, proposal))
    assert response.status_code == LOGIN
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize(
    ("persona", "name"), [(persona, name) for persona in MATRIX for name in GET_URLS + POST_URLS]
)
def test_access_matrix(client, proposal, request, persona, name):
    client.force_login(request.getfixturevalue(persona))
    url = url_for(name, proposal)
    response = client.post(url) if name in POST_URLS else client.get(url)
    assert response.status_code == MATRIX[persona][name]


def test_document_is_an_attachment_under_its_original_name(client, proposal, partner_person):
    client.force_login(partner_person)
    response = client.get(url_for("annex", proposal))
    assert response["Content-Disposition"].startswith("attachment")
    assert "filename*=utf-8''%EB%B6%80%EB%A1%9D.pdf" in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")


def test_staff_without_mfa_cannot_download(client, proposal, make_user):
    from django.contrib.auth.models import Group

    staff = make_user("nomfa@ministry.example", is_staff=True)
    staff.groups.add(Group.objects.get(name="Project reviewers"))
    client.force_login(staff)
    assert client.get(url_for("document", proposal)).status_code == 404


@pytest.mark.parametrize("name", [name for name in POST_URLS if name != "submit"])
def test_state_changes_refuse_get(client, proposal, owner, name):
    client.force_login(owner)
    assert client.get(url_for(name, proposal)).status_code == 405


def test_a_get_of_submit_is_its_confirmation_page_and_changes_nothing(client, proposal, owner):
    client.force_login(owner)  # its page after re-authentication (portal.reauth)
    assert client.get(url_for("submit", proposal)).status_code == 200
    proposal.refresh_from_db()
    assert proposal.status == "draft"


def test_submit_needs_a_csrf_token(proposal, owner):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.post(url_for("submit", proposal)).status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DRAFT


def test_a_manager_of_the_lead_may_edit(client, proposal, manager):
    client.force_login(manager)
    assert client.get(url_for("edit", proposal)).status_code == 200


def test_list_shows_only_own_and_joined_proposals(client, proposal, partner_person, outsider, call, other_org):
    from tests.projects import factories as f

    f.proposal(call, other_org, title="남의 제안")
    client.force_login(partner_person)
    response = client.get(reverse("my-proposals:list"))
    assert proposal.title in response.text and "남의 제안" not in response.text
    client.force_login(outsider)
    response = client.get(reverse("my-proposals:list"))
    assert proposal.title not in response.text and "남의 제안" in response.text


def test_the_decision_shows_average_scores_and_comments_without_names(client, proposal, owner, reviewer, decider):
    from projects import services

    services.proposal_submit(proposal=proposal, by=owner)
    services.proposal_start_review(proposal=proposal, by=decider)
    from tests import personas

    personas.panel(proposal.call, members=[reviewer], proposals=[proposal])
    personas.declare(reviewer, proposal)
    scores = {c.pk: 4 for c in proposal.call.criteria.all()}
    services.review_save(proposal=proposal, reviewer=reviewer, scores=scores, comment="확산 계획이 구체적입니다.",
                         submit=True)
    client.force_login(owner)
    assert "확산 계획이 구체적입니다." not in client.get(url_for("detail", proposal)).text
    services.proposal_decide(proposal=proposal, by=decider, selected=True, note="선정을 축하합니다.")
    page = client.get(url_for("detail", proposal)).text
    assert "확산 계획이 구체적입니다." in page and "4.00 / 5" in page and "선정을 축하합니다." in page
    assert "80.00" in page  # 4 of 5 on every criterion: 80 of 100
    assert reviewer.email not in page and decider.email not in page


def test_the_lead_managers_are_the_ones_who_manage_a_proposal(proposal, owner, manager, lead_member, partner_person):
    from members.models import Membership

    managing = {m.user for m in proposal.manager_memberships()}
    assert managing == {owner, manager}
    everyone = (owner, manager, lead_member, partner_person)
    assert {u for u in everyone if proposal.is_managed_by(Membership.objects.of(u))} == managing


def test_people_who_see_a_proposal_but_may_not_change_it_are_told_who_may(client, proposal, partner_person):
    client.force_login(partner_person)
    response = client.get(url_for("edit", proposal))
    assert response.status_code == 403
    assert "Only the owners and managers of the lead organisation may change this proposal." in (
        response.content.decode()
    )


def test_a_plain_member_of_the_lead_cannot_start_a_proposal(client, call, lead_member):
    client.force_login(lead_member)
    response = client.get(reverse("my-proposals:create", args=[call.pk]))
    assert response.status_code == 403 and "owners and managers" in response.content.decode()
