"""Demo data: about forty organisations across tiers, kinds and statuses; idempotent and deterministic."""

import io
import random
from collections import Counter

from members import business_numbers, demo
from members.models import ChangeRequest, Membership, Organization, OrganizationFieldChange, StatusChange, User


def run(seed=7):
    out = io.StringIO()
    demo.seed(rng=random.Random(seed), scale=1, stdout=out)
    return out.getvalue()


def test_demo_gains_about_forty_organisations_across_tiers_kinds_and_statuses(db):
    output = run()
    orgs = list(Organization.objects.all())
    assert len(orgs) == 40
    assert set(Counter(o.kind for o in orgs)) == {"company", "institution", "public_enterprise"}
    tiers = Counter(o.tier for o in orgs if o.kind == "company")
    assert set(tiers) == {"large", "midsize", "sme"} and tiers["sme"] > tiers["large"]
    assert {o.status for o in orgs} == set(Organization.Status.values)
    assert all(business_numbers.is_valid(o.business_number) for o in orgs)
    assert all(o.full_clean() is None for o in orgs)  # every model rule holds, certificates included
    assert "owner1@demo.alliance.example" in output


def test_every_demo_organisation_has_an_owner_and_a_history_that_ends_in_its_status(db):
    run()
    for org in Organization.objects.prefetch_related("memberships", "status_changes"):
        assert [m.role for m in org.memberships.all()] == ["owner"]
        assert list(org.status_changes.all())[-1].to_status == org.status


def test_running_again_creates_nothing_new(db):
    run()
    before = (Organization.objects.count(), User.objects.count(), Membership.objects.count(),
              StatusChange.objects.count())
    run()
    after = (Organization.objects.count(), User.objects.count(), Membership.objects.count(),
             StatusChange.objects.count())
    assert before == after


def test_same_seed_gives_the_same_data(db):
    run(seed=3)
    first = list(Organization.objects.order_by("business_number").values_list(
        "business_number", "name", "tier", "status", "representative"))
    Membership.objects.all().delete()
    for history in (StatusChange, OrganizationFieldChange, ChangeRequest):  # append-only: no delete() of their own
        history.objects.all()._raw_delete(history.objects.db)
    Organization.objects.all().delete()
    run(seed=3)
    second = list(Organization.objects.order_by("business_number").values_list(
        "business_number", "name", "tier", "status", "representative"))
    assert first == second


def test_demo_reviewer_can_decide(db):
    run()
    reviewer = User.objects.get(email=demo.REVIEWER_EMAIL)
    assert reviewer.is_staff and reviewer.has_perm("members.decide_membership") and not reviewer.is_superuser


def test_the_demo_shows_changes_after_approval(db):
    """After `make run`, an approved member's page and the admin show a change waiting for the secretariat
    beside details that applied at once."""
    run(seed=3)
    waiting = ChangeRequest.objects.filter(status=ChangeRequest.Status.PENDING).select_related("organization")
    assert waiting.count() == 2
    for request in waiting:
        assert request.organization.status == Organization.Status.APPROVED
        assert set(request.changes) == {"representative"}
        assert request.organization.representative == request.changes["representative"][0]  # not applied yet
        assert request.organization.contact_phone == "031-555-0100"  # applied at once
