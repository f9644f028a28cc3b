"""/members/register/: a signed-in person without an organisation registers one."""

import re

import pytest
from django.urls import reverse

from members.models import Membership, Organization, StatusChange
from portal.files import MB
from tests import personas
from tests.members.conftest import PDF_BYTES, pdf

URL = reverse("members:register")


@pytest.fixture
def dana(make_user, client):
    """Signed in, not yet in any organisation."""
    user = make_user("dana@saebom.example")
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return user


def form_data(industry, **overrides):
    data = {
        "kind": "company", "name": "새봄오토메이션", "name_en": "Saebom Automation",
        "business_number": "120-81-47521", "representative": "정새봄", "tier": "sme", "institution_type": "",
        "industry": industry.pk, "address": "경상남도 창원시 성산구 공단로 1", "website": "https://saebom.example",
        "employees": "85", "annual_revenue": "12000000000", "ai_stage": "pilot",
        "tier_proof": pdf("중소기업확인서 2026.pdf"), "certificate_number": "0001-2026-12345",
        "certificate_expires_on": personas.certificate_valid_until().isoformat(), "listed_in_directory": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def register(client, data, **extra):
    """POST the registration form as the page sends it, with its one-time token."""
    return client.post(URL, {**data, **personas.form_once(client, "members:register")}, **extra)


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_registration_makes_the_user_owner_of_a_pending_organisation(client, dana, industry):
    response = register(client, form_data(industry))
    assert response.status_code == 302 and response["Location"] == reverse("my:dashboard")
    org = Organization.objects.get()
    assert (org.business_number, org.status, org.annual_revenue) == ("1208147521", "pending", 12_000_000_000)
    assert org.tier_proof_name == "중소기업확인서 2026.pdf"
    assert org.tier_proof.name.startswith("private/tier-proofs/") and "확인서" not in org.tier_proof.name
    assert Membership.objects.get(user=dana).role == Membership.Role.OWNER
    assert StatusChange.objects.get(organization=org).to_status == "pending"


def test_number_without_dashes_is_accepted(client, dana, industry):
    register(client, form_data(industry, business_number="1168200276"))
    assert Organization.objects.get().business_number_display == "116-82-00276"


def test_bad_checksum_is_explained(client, dana, industry):
    response = register(client, form_data(industry, business_number="120-81-47522"))
    assert response.status_code == 200
    assert "check digit" in response.context["form"].errors["business_number"][0]
    assert not Organization.objects.exists()


def test_duplicate_number_points_to_an_invitation_without_revealing_who(client, dana, hanbit, industry):
    response = register(client, form_data(industry, business_number=hanbit.business_number_display))
    error = response.context["form"].errors["business_number"][0]
    assert "invitation" in error
    assert hanbit.name not in response.content.decode() and "alice" not in response.content.decode()


def test_company_without_tier_is_refused(client, dana, industry):
    response = register(client, form_data(industry, tier=""))
    assert "tier" in response.context["form"].errors


def test_institution_registers_without_tier_or_certificate(client, dana, industry):
    response = register(client, form_data(
        industry, kind="institution", tier="", institution_type="university", tier_proof=None,
        certificate_number="", certificate_expires_on="",
    ))
    assert response.status_code == 302
    assert Organization.objects.get().institution_type == "university"


def test_a_renamed_file_that_is_not_a_pdf_is_refused(client, dana, industry):
    fake = pdf("확인서.pdf", b"<html>not a pdf</html>")
    response = register(client, form_data(industry, tier_proof=fake))
    assert "not a valid PDF" in response.context["form"].errors["tier_proof"][0]


def test_a_pdf_over_10_mb_is_refused(client, dana, industry):
    big = pdf("확인서.pdf", PDF_BYTES.ljust(10 * MB + 1, b" "))
    response = register(client, form_data(industry, tier_proof=big))
    assert "too large" in response.context["form"].errors["tier_proof"][0]


def test_sme_without_certificate_is_refused(client, dana, industry):
    response = register(client, form_data(industry, tier_proof=None))
    assert "tier_proof" in response.context["form"].errors


def test_errors_are_translated_into_korean(client, dana, industry):
    response = register(client, form_data(industry, business_number="120-81-47522"), HTTP_ACCEPT_LANGUAGE="ko")
    assert "검증번호" in response.context["form"].errors["business_number"][0]


def test_someone_already_in_an_organisation_goes_to_their_page(client, alice, hanbit):
    client.force_login(alice)
    assert client.get(URL)["Location"] == reverse("my:dashboard")


# --- errors at the top of the form --------------------------------------------------------------
DROPPED = "Choose the file again"


def summary(html):
    found = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    return found.group(0) if found else ""


def test_errors_are_listed_at_the_top_with_links_to_their_fields(client, dana, industry):
    html = register(client, form_data(industry, name="", employees="many", tier_proof=None)).text
    box = summary(html)
    assert box and html.index(box) < html.index('name="name"')
    assert 'tabindex="-1"' in box and "autofocus" in box and 'role="alert"' in box
    assert '<a href="#id_name">' in box and '<a href="#id_employees">' in box
    assert "3 problems" in box  # name, employees, and the SME's missing certificate


def test_a_document_dropped_by_an_error_is_said_at_the_top_and_beside_its_field(client, dana, industry):
    html = register(client, form_data(industry, name="")).text  # the PDF was sent, the name was not
    assert DROPPED in summary(html) and '<a href="#id_tier_proof">' in summary(html)
    field = html[html.index('name="tier_proof"'):]
    assert field.index(DROPPED) < field.index("</div>")


def test_a_form_without_errors_shows_no_summary(client, dana):
    html = client.get("/members/register/").text
    assert 'class="error-summary"' not in html and DROPPED not in html
