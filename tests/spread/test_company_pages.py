"""/my/sites/: who may report a site, see it, change it and read its evidence (404 for others, 403 for members)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from members.models import Membership
from portal.models import AccessRecord
from spread.models import AdoptionSite
from tests import personas

pytestmark = pytest.mark.django_db


def signed_in(person):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person)
    return client


@pytest.fixture
def world(db):
    """A model supplied by S; A adopted it at one site; O is an organisation with nothing to do with it."""
    w = type("World", (), {})()
    w.supplier = personas.organization("스마트공급")
    w.supplier_owner = personas.member(w.supplier, Membership.Role.OWNER)
    w.model = personas.standard_model(suppliers=[w.supplier])
    w.adopter = personas.organization("한길제조")
    w.adopter_owner = personas.member(w.adopter, Membership.Role.OWNER)
    w.adopter_member = personas.member(w.adopter, Membership.Role.MEMBER)
    w.other = personas.organization("무관산업")
    w.other_owner = personas.member(w.other, Membership.Role.OWNER)
    w.site = personas.adoption_site(w.model, w.adopter, by=w.supplier_owner)
    return w


def form(purpose_client=None, **fields):
    data = {"site_name": "창원 1공장", "region": "gyeongnam", "adopted_on": timezone.localdate().isoformat(),
            "use_status": "in_use", "evidence": SimpleUploadedFile("증빙.pdf", personas.PDF_BYTES), **fields}
    if purpose_client is not None:
        data.update(personas.form_once(purpose_client, "my-sites:create"))
    return data


@pytest.mark.parametrize("who, status", [("supplier_owner", 200), ("adopter_owner", 200), ("adopter_member", 403),
                                         ("other_owner", 404)])
def test_a_site_is_for_its_supplier_and_adopter_only(world, who, status):
    client = signed_in(getattr(world, who))
    assert client.get(reverse("my-sites:edit", args=[world.site.pk])).status_code == status
    assert client.get(reverse("my-sites:evidence", args=[world.site.pk])).status_code == status


def test_the_list_shows_the_sites_of_ones_organisation_only(world):
    personas.adoption_site(world.model, world.other, site_name="무관 공장")
    page = signed_in(world.supplier_owner).get(reverse("my-sites:list")).content.decode()
    assert world.site.site_name in page and "무관 공장" in page  # the supplier sees every site of its model
    page = signed_in(world.adopter_owner).get(reverse("my-sites:list")).content.decode()
    assert world.site.site_name in page and "무관 공장" not in page


def test_an_adopter_reports_its_own_site(world):
    client = signed_in(world.adopter_owner)
    response = client.post(reverse("my-sites:create"), form(client, standard_model=world.model.pk))
    assert response.status_code == 302
    site = AdoptionSite.objects.get(site_name="창원 1공장")
    assert (site.organization, site.submitted_for, site.status) == (world.adopter, world.adopter, "submitted")
    assert site.evidence_name == "증빙.pdf"


def test_a_supplier_reports_a_customers_site_by_business_number(world):
    client = signed_in(world.supplier_owner)
    data = form(client, standard_model=world.model.pk, adopter_business_number=world.other.business_number)
    assert client.post(reverse("my-sites:create"), data).status_code == 302
    site = AdoptionSite.objects.get(site_name="창원 1공장")
    assert (site.organization, site.submitted_for) == (world.other, world.supplier)


def test_a_company_that_does_not_supply_the_model_cannot_report_anothers_site(world):
    client = signed_in(world.other_owner)
    data = form(client, standard_model=world.model.pk, adopter_business_number=world.adopter.business_number)
    with translation.override("en"):
        response = client.post(reverse("my-sites:create"), data)
    assert response.status_code == 200 and "suppliers of the standard model" in response.content.decode()
    assert not AdoptionSite.objects.filter(site_name="창원 1공장").exists()


def test_a_plain_member_may_not_report(world):
    client = signed_in(world.adopter_member)
    assert client.get(reverse("my-sites:create")).status_code == 403
    assert client.get(reverse("my-sites:list")).status_code == 403


def test_the_report_form_sent_twice_makes_one_site(world):
    client = signed_in(world.adopter_owner)
    data = form(client, standard_model=world.model.pk)
    client.post(reverse("my-sites:create"), data)
    second = client.post(reverse("my-sites:create"), {**data, "evidence": SimpleUploadedFile("증빙.pdf",
                                                                                             personas.PDF_BYTES)})
    site = AdoptionSite.objects.get(site_name="창원 1공장")
    assert second.status_code == 302 and second["Location"] == reverse("my-sites:edit", args=[site.pk])


def test_an_edit_sends_a_confirmed_site_back_and_keeps_the_evidence(world):
    client = signed_in(world.adopter_owner)
    data = form(site_name=world.site.site_name, use_status="stopped", region=world.site.region)
    del data["evidence"]
    assert client.post(reverse("my-sites:edit", args=[world.site.pk]), data).status_code == 302
    site = AdoptionSite.objects.get(pk=world.site.pk)
    assert (site.status, site.use_status, site.evidence.name) == ("submitted", "stopped", world.site.evidence.name)


def test_an_evidence_download_is_an_access_record(world):
    signed_in(world.supplier_owner).get(reverse("my-sites:evidence", args=[world.site.pk]))
    record = AccessRecord.objects.get()
    assert (record.by, record.what) == (world.supplier_owner, "evidence")


def test_staff_read_the_evidence_only_with_the_right_and_mfa(world):
    url = reverse("my-sites:evidence", args=[world.site.pk])
    assert signed_in(personas.staff(group=personas.PROJECT_DECIDERS)).get(url).status_code == 200
    assert signed_in(personas.staff(group=personas.NEWS_EDITORS)).get(url).status_code == 302  # no organisation
    assert signed_in(personas.staff(group=personas.PROJECT_DECIDERS, mfa=False)).get(url).status_code == 302


def test_my_company_page_leads_its_owners_and_managers_to_the_sites(world):
    sites = reverse("my-sites:list")
    assert f'href="{sites}"' in signed_in(world.adopter_owner).get(reverse("my:dashboard")).content.decode()
    # a plain member may not report sites (403 above): no link to offer
    assert f'href="{sites}"' not in signed_in(world.adopter_member).get(reverse("my:dashboard")).content.decode()
