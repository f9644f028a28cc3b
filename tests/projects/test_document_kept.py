"""A proposal document sent with a form that comes back with errors: on an existing draft it is stored with the
draft at once (nothing else of the form is), so it need not be chosen again; on a first create there is no draft
to keep it with and the page says plainly, beside the file input, to choose it again
(tests/projects/test_forms.py: test_a_document_dropped_by_an_error_is_said_on_the_proposal_form)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.workflow import WorkflowError
from projects import services
from projects.models import Proposal
from tests.projects.test_budget_amounts import edit_data

pytestmark = pytest.mark.django_db

NEW_PDF = b"%PDF-1.7 the second version"


def pdf(name="제안서-v2.pdf", content=NEW_PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def signed_in(client, owner):
    client.force_login(owner)
    return client


def post_edit(client, proposal, **changes):
    return client.post(reverse("my-proposals:edit", args=[proposal.pk]), edit_data(proposal, **changes))


def test_a_new_document_is_kept_with_the_draft_when_the_form_has_errors(
        signed_in, proposal, django_capture_on_commit_callbacks):
    old = proposal.document.name
    with django_capture_on_commit_callbacks(execute=True):
        response = post_edit(signed_in, proposal, title="", document=pdf())
    assert response.status_code == 200 and 'class="error-summary"' in response.text
    proposal.refresh_from_db()
    assert proposal.document_name == "제안서-v2.pdf" and proposal.document.read() == NEW_PDF
    assert proposal.title == "AI 불량 검출 라인"  # the rest of the form is not saved
    assert not proposal.document.storage.exists(old)  # the document it replaced
    page = response.text
    assert "saved with the draft" in page and "Choose the file again" not in page
    assert "Current file: 제안서-v2.pdf" in page


def test_the_kept_document_stays_when_the_corrected_form_is_saved_without_a_file(signed_in, proposal):
    post_edit(signed_in, proposal, title="", document=pdf())
    assert post_edit(signed_in, proposal, title="고친 제목").status_code == 302
    proposal.refresh_from_db()
    assert proposal.title == "고친 제목" and proposal.document_name == "제안서-v2.pdf"


def test_a_document_that_is_refused_itself_is_not_kept(signed_in, proposal):
    response = post_edit(signed_in, proposal, title="", document=pdf("제안서.pdf", b"MZ not a pdf"))
    assert response.status_code == 200
    proposal.refresh_from_db()
    assert proposal.document_name == "proposal.pdf"
    assert "saved with the draft" not in response.text


def test_a_budget_error_keeps_the_document_too(signed_in, proposal):
    response = post_edit(signed_in, proposal, document=pdf(), **{"participants-0-government_funding": "30억원x"})
    assert response.status_code == 200
    proposal.refresh_from_db()
    assert proposal.document_name == "제안서-v2.pdf"


def test_only_an_editable_draft_keeps_a_document(proposal, owner):
    services.proposal_submit(proposal=proposal, by=owner)
    with pytest.raises(WorkflowError):
        services.proposal_keep_document(proposal=proposal, document=pdf(), by=owner)
    assert Proposal.objects.get().document_name == "proposal.pdf"
