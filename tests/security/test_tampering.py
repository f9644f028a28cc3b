"""Forms posted with fields a browser would never send: ids of another company's rows, read-only fields.

The proposal form carries the ids of its participant and KPI rows; a company that swaps in
the id of another company's row must not touch that row. Fields the form does not show
(status, totals, the lead) cannot be set by adding them to the request.
"""

import pytest
from django.urls import reverse

from members.models import Organization
from projects.models import KPI, Participant, Proposal
from tests.security.test_uploads import FormFields

pytestmark = pytest.mark.django_db


def edit_form(client, proposal):
    url = reverse("my-proposals:edit", args=[proposal.pk])
    return url, FormFields(client.get(url).content.decode()).data


def test_another_proposals_rows_cannot_be_edited_through_swapped_ids(world, client_for):
    from tests.projects import factories

    theirs = factories.participant(world.other_proposal, world.org_b, Participant.Role.LEAD, gov=5, cash=5)
    their_kpi = KPI.objects.create(proposal=world.other_proposal, indicator="불량률", baseline=5, target=1, unit="%")
    client = client_for("owner")
    url, data = edit_form(client, world.proposal)
    data["participants-0-id"] = [str(theirs.pk)]
    data["participants-0-government_funding"] = ["1"]
    data["kpis-0-id"] = [str(their_kpi.pk)]
    data["kpis-0-indicator"] = ["바뀐 지표"]
    client.post(url, data)
    theirs.refresh_from_db()
    their_kpi.refresh_from_db()
    assert theirs.proposal_id == world.other_proposal.pk and theirs.government_funding == 5
    assert their_kpi.proposal_id == world.other_proposal.pk and their_kpi.indicator == "불량률"
    assert world.other_proposal.participants.count() == 1 and world.other_proposal.kpis.count() == 1


def test_fields_the_form_does_not_show_cannot_be_set(world, client_for):
    client = client_for("owner")
    url, data = edit_form(client, world.proposal)
    extra = {"status": "selected", "government_total": "1", "lead": str(world.org_b.pk), "call": "999",
             "created_by": str(world.outsider.pk), "decided_at": "2020-01-01 00:00"}
    response = client.post(url, {**data, **extra})
    assert response.status_code == 302
    world.proposal.refresh_from_db()
    assert world.proposal.status == Proposal.Status.DRAFT
    assert world.proposal.lead_id == world.org_a.pk and world.proposal.call_id == world.call.pk
    assert world.proposal.government_total == sum(p.government_funding for p in world.proposal.participants.all())
    assert world.proposal.decided_at is None


def test_registration_cannot_set_its_own_status(world, client_for):
    from tests.security.test_uploads import registration

    client, url, data, _field, _limit = registration(world, client_for)
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.security.world import PDF_BYTES

    response = client.post(url, {**data, "status": "approved", "approved_at": "2020-01-01",
                                 "tier_proof": SimpleUploadedFile("확인서.pdf", PDF_BYTES, "application/pdf")})
    assert response.status_code == 302
    org = Organization.objects.get(name=data["name"])
    assert org.status == Organization.Status.PENDING and org.approved_at is None
