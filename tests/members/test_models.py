"""Rules held by the Organization model and by the database itself."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from members.models import Membership, Organization, StatusChange
from tests.members.conftest import next_business_number


def test_business_number_uniqueness_is_held_by_the_database_without_any_form(hanbit, industry):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(
            kind="company", tier="large", name="다른회사", business_number=hanbit.business_number,
            industry=industry,
        )


def test_duplicate_number_message_does_not_name_the_owner(hanbit, industry):
    twin = Organization(kind="company", tier="large", name="다른회사", business_number=hanbit.business_number,
                        industry=industry, representative="박", address="서울", employees=3000)
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            twin.full_clean()
        message = " ".join(error.value.message_dict["business_number"])
    assert "invitation" in message and hanbit.name not in message


@pytest.mark.parametrize("stored", ["120-8147-5", "12081475", "12O8147521"])
def test_database_refuses_a_number_that_is_not_ten_digits(industry, stored):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(kind="company", tier="large", name="x", business_number=stored, industry=industry)


def test_database_refuses_a_company_without_tier(industry):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(kind="company", tier="", name="x", business_number=next_business_number(),
                                    industry=industry)


@pytest.mark.parametrize(("kind", "tier", "institution_type"), [
    ("institution", "", ""),  # an institution needs its type
    ("company", "large", "university"),  # a company has none
])
def test_database_ties_institution_type_to_kind(industry, kind, tier, institution_type):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(kind=kind, tier=tier, institution_type=institution_type, name="x",
                                    business_number=next_business_number(), industry=industry)


def test_sme_needs_its_certificate_but_large_company_and_institution_do_not(make_org):
    with pytest.raises(ValidationError) as error:
        make_org("증빙없음", tier="sme", tier_proof="", certificate_number="", certificate_expires_on=None)
    assert {"tier_proof", "certificate_number", "certificate_expires_on"} <= set(error.value.message_dict)
    make_org("대형회사", tier="large")
    make_org("연구원", kind="institution")


def test_only_approved_organisations_may_take_part(make_org):
    orgs = {status: make_org(f"회사-{status}", status=status) for status in Organization.Status.values}
    assert set(Organization.objects.approved()) == {orgs["approved"]}
    assert [s for s, org in orgs.items() if org.may_take_part()] == ["approved"]


def test_the_loaded_row_and_the_query_agree_on_who_may_take_part(make_org):
    orgs = [make_org(f"회사-{status}", status=status) for status in Organization.Status.values]
    assert {o for o in orgs if o.may_take_part()} == set(Organization.objects.approved())


def test_history_rows_cannot_be_changed_or_deleted(hanbit):
    entry = StatusChange.objects.get(organization=hanbit)
    entry.note = "고쳐 쓰기"
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()
    assert StatusChange.objects.get(pk=entry.pk).note == ""


def test_certificate_querysets_and_the_state_of_a_row_agree(make_org):
    import datetime

    today = datetime.date(2027, 1, 1)
    orgs = {
        days: make_org(f"회사{days}", certificate_expires_on=today + datetime.timedelta(days=days))
        for days in (-1, 0, Organization.EXPIRY_WARNING_DAYS, Organization.EXPIRY_WARNING_DAYS + 1)
    }
    rows = Organization.objects.filter(pk__in=[o.pk for o in orgs.values()])
    state = {o: o.certificate_state(today) for o in orgs.values()}
    assert set(rows.certificate_expired(today=today)) == {o for o, s in state.items() if s == "expired"} == {orgs[-1]}
    assert set(rows.certificate_expiring(today=today)) == {o for o, s in state.items() if s == "expiring"}
    assert set(rows.certificate_needs_attention(today=today)) == {o for o, s in state.items() if s}


def test_certificate_state_warns_sixty_days_ahead(make_org):
    import datetime

    org = make_org()
    today = datetime.date(2027, 1, 1)
    for days, state in [(-1, "expired"), (0, "expiring"), (60, "expiring"), (61, "")]:
        org.certificate_expires_on = today + datetime.timedelta(days=days)
        assert org.certificate_state(today) == state


# --- the four groups (companies by tier, then institutions) ---------------------------------------------


def test_an_organisations_group_is_its_tier_or_institution(make_org):
    assert make_org("대형", tier="large").group == Organization.Group.LARGE
    assert make_org("중소", tier="sme").group == Organization.Group.SME
    institute = make_org("연구원", kind="institution")
    assert institute.group == Organization.Group.INSTITUTION
    with translation.override("en"):
        assert institute.group_label == "Institution" and institute.size_label == "Research institute"


def test_counting_by_group_in_the_database_agrees_with_each_rows_group(make_org):
    orgs = [make_org("대형", tier="large"), make_org("중소1"), make_org("중소2"),
            make_org("연구원", kind="institution")]
    counts = Organization.objects.count_by_group()
    assert counts == {g: sum(o.group == g for o in orgs) for g in Organization.Group.values}
    assert counts["midsize"] == 0


# --- memberships: who manages, and the signed-in user's own --------------------------------------------


def test_owners_and_managers_manage_and_plain_members_do_not(hanbit, alice, bob, make_user):
    carol = make_user("carol@hanbit.example")
    Membership.objects.create(user=carol, organization=hanbit, role=Membership.Role.MANAGER)
    managing = set(Membership.objects.managing().values_list("user__email", flat=True))
    assert managing == {alice.email, carol.email}
    assert {m.user.email for m in Membership.objects.all() if m.can_manage} == managing


def test_of_finds_the_users_membership_with_its_organisation_in_one_query(
    hanbit, bob, make_user, django_assert_num_queries
):
    with django_assert_num_queries(1):
        membership = Membership.objects.of(bob)
        assert membership.organization.name == "한빛정밀"
    assert Membership.objects.of(make_user("nobody@example.com")) is None


def test_of_an_anonymous_visitor_is_none(db):
    from django.contrib.auth.models import AnonymousUser

    assert Membership.objects.of(AnonymousUser()) is None


@pytest.mark.parametrize("address, region", [
    ("경기도 안산시 단원구 1", "Gyeonggi"), ("서울 강남구 테헤란로 1", "Seoul"), ("울산광역시 남구", "Ulsan"),
    ("광주시 오포읍 1", ""),  # 경기도 광주시 or 광주광역시: not guessed
    ("Seoul, Korea", ""), ("", ""),
])
def test_the_region_is_the_province_the_address_starts_with(address, region):
    with translation.override("en"):
        assert Organization(address=address).region == region


def test_has_public_page_is_the_rule_of_with_public_page(make_org):
    cases = [
        make_org("공개", status="approved", public_page=True),
        make_org("선택안함", status="approved"),
        make_org("목록제외", status="approved", public_page=True, listed_in_directory=False),
        make_org("대기중", public_page=True),
        make_org("정지", status="suspended", public_page=True),
    ]
    shown = set(Organization.objects.with_public_page().values_list("name", flat=True))
    assert shown == {"공개"} == {org.name for org in cases if org.has_public_page()}
