"""Adoption sites: a site counts only once staff confirm it and only while in use; the workflow and its history."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from members.models import Membership
from portal.workflow import WorkflowError
from spread import services
from spread.models import AdoptionSite, AdoptionSiteChange
from stats import figures
from tests import personas
from tests.background import run_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def model(db):
    return personas.standard_model()


@pytest.fixture
def decider(db):
    return personas.staff(group=personas.PROJECT_DECIDERS)


def owner_of(site):
    return Membership.objects.managing().filter(organization=site.organization).first().user


def edit(site, by, **changes):
    values = {"site_name": site.site_name, "region": site.region, "adopted_on": site.adopted_on,
              "use_status": site.use_status, **changes}
    return services.site_update(site=site, by=by, **values)


def test_a_submitted_site_does_not_count(model):
    personas.adoption_site(model, status="submitted")
    assert AdoptionSite.objects.counted().count() == 0
    assert figures.compute()["sites"] == 0


def test_a_site_counts_once_confirmed(model, decider):
    site = personas.adoption_site(model, status="submitted")
    services.site_transition(site=site, action="confirm", by=decider)
    assert list(AdoptionSite.objects.counted()) == [site]
    assert figures.compute()["sites"] == 1


def test_a_confirmed_site_that_is_planned_or_stopped_does_not_count(model):
    personas.adoption_site(model, use="planned", adopted_on=timezone.localdate() + datetime.timedelta(days=30))
    personas.adoption_site(model, use="stopped")
    assert AdoptionSite.objects.confirmed().count() == 2
    assert AdoptionSite.objects.counted().count() == 0


def test_a_site_that_stops_leaves_the_count_until_confirmed_again(model, decider):
    site = personas.adoption_site(model)
    site = edit(site, owner_of(site), use_status="stopped")
    assert site.status == "submitted" and AdoptionSite.objects.counted().count() == 0
    services.site_transition(site=site, action="confirm", by=decider)
    assert AdoptionSite.objects.counted().count() == 0  # confirmed, but stopped


def test_a_change_to_a_confirmed_site_needs_a_new_confirmation(model, decider):
    site = personas.adoption_site(model)
    edit(site, owner_of(site), site_name="제2공장 증설동")
    assert AdoptionSite.objects.counted().count() == 0
    services.site_transition(site=AdoptionSite.objects.get(pk=site.pk), action="confirm", by=decider)
    assert AdoptionSite.objects.counted().count() == 1


def test_returning_needs_a_note(model, decider):
    site = personas.adoption_site(model, status="submitted")
    with pytest.raises(WorkflowError):
        services.site_transition(site=site, action="return", by=decider, note=" ")


def test_staff_may_return_a_confirmed_site_and_it_stops_counting(model, decider):
    site = personas.adoption_site(model)
    services.site_transition(site=site, action="return", by=decider, note="증빙 문서가 다른 공장의 것입니다.")
    assert AdoptionSite.objects.counted().count() == 0
    assert AdoptionSite.objects.get(pk=site.pk).note == "증빙 문서가 다른 공장의 것입니다."


def test_a_site_cannot_be_confirmed_twice(model, decider):
    site = personas.adoption_site(model)
    with pytest.raises(WorkflowError) as refused:
        services.site_transition(site=site, action="confirm", by=decider)
    assert refused.value.code == "already"


def test_only_staff_with_the_permission_confirm(model):
    site = personas.adoption_site(model, status="submitted")
    for person in (owner_of(site), personas.staff(group=personas.NEWS_EDITORS)):
        with pytest.raises(PermissionDenied):
            services.site_transition(site=site, action="confirm", by=person)


def test_every_step_is_in_the_history(model, decider):
    site = personas.adoption_site(model, status="submitted")
    services.site_transition(site=site, action="return", by=decider, note="사진을 추가해 주세요.")
    edit(AdoptionSite.objects.get(pk=site.pk), owner_of(site))
    services.site_transition(site=AdoptionSite.objects.get(pk=site.pk), action="confirm", by=decider)
    steps = [(c.from_status, c.to_status, c.by_staff) for c in site.history.all()]
    assert steps == [("", "submitted", False), ("submitted", "returned", True), ("returned", "submitted", False),
                     ("submitted", "confirmed", True)]


def test_the_history_is_append_only(model):
    change = personas.adoption_site(model).history.first()
    with pytest.raises(ValidationError):
        change.save()
    with pytest.raises(ValidationError):
        AdoptionSiteChange.objects.all().delete()


def test_a_decision_is_mailed_to_the_reporter_and_the_adopter(model, decider):
    supplier = personas.organization("공급기술")
    supplier_owner = personas.member(supplier, Membership.Role.OWNER, "owner@supplier.example")
    model.suppliers.add(supplier)
    adopter = personas.organization("도입제조", owner=personas.user("owner@adopter.example"))
    site = personas.adoption_site(model, adopter, by=supplier_owner, status="submitted")
    services.site_transition(site=site, action="return", by=decider, note="계약서를 첨부해 주세요.")
    run_tasks()
    [sent] = [m for m in mail.outbox if "계약서를 첨부해 주세요." in m.body]
    assert sorted(sent.to) == ["owner@adopter.example", "owner@supplier.example"]


def test_a_site_in_use_cannot_be_adopted_in_the_future(model):
    with pytest.raises(ValidationError):
        personas.adoption_site(model, adopted_on=timezone.localdate() + datetime.timedelta(days=1))


def test_a_site_is_reported_once_per_model(model):
    org = personas.organization(owner=personas.user())
    personas.adoption_site(model, org, site_name="구미공장", status="submitted")
    with pytest.raises(ValidationError):
        personas.adoption_site(model, org, site_name="구미공장", status="submitted")


def test_an_unpublished_model_takes_no_sites():
    model = personas.standard_model(published=False)
    with pytest.raises(ValidationError):
        personas.adoption_site(model, status="submitted")
