"""Issue 14's identifiers on the member side: the business number's type code against the kind (a warning,
never a refusal), the optional 법인등록번호 of corporations, and the kinds' rules in the model and the database."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from members import business_numbers, corporate_numbers
from members.models import Organization
from tests import personas
from tests.members.test_register import form_data, register

Kind = Organization.Kind
CHANGELIST = reverse("admin:members_organization_changelist")


def number(code, index=1):
    return business_numbers.example(personas.serial() + index, code)


@pytest.fixture
def dana(make_user, client):
    user = make_user("dana@saebom.example")
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return user


# --- the type code against the kind: a warning -----------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "code", "warned"),
    [
        (Kind.COMPANY, "81", False), (Kind.COMPANY, "86", False), (Kind.COMPANY, "12", False),
        (Kind.COMPANY, "82", True), (Kind.COMPANY, "83", True), (Kind.COMPANY, "89", True),
        (Kind.COMPANY, "84", False), (Kind.COMPANY, "80", False),
        (Kind.INSTITUTION, "82", False), (Kind.INSTITUTION, "83", False), (Kind.INSTITUTION, "84", False),
        (Kind.INSTITUTION, "81", True), (Kind.INSTITUTION, "85", True), (Kind.INSTITUTION, "12", True),
        (Kind.INSTITUTION, "95", True),
        # 공사 and 공단 hold 81 and 82 numbers alike: never warned.
        (Kind.PUBLIC_ENTERPRISE, "81", False), (Kind.PUBLIC_ENTERPRISE, "82", False),
        (Kind.PUBLIC_ENTERPRISE, "83", False),
    ],
)
def test_a_type_code_that_does_not_fit_the_kind_is_warned_about(db, kind, code, warned):
    org = personas.organization(kind=kind, business_number=number(code))  # saved: a warning never refuses
    assert bool(org.business_number_warning) is warned
    # The admin's filter says the same as the model, in the database.
    assert Organization.objects.business_number_mismatched().filter(pk=org.pk).exists() is warned


def test_registering_a_company_with_a_non_profit_number_saves_and_warns(client, dana, industry):
    response = register(client, form_data(industry, business_number="116-82-00276"), follow=True)
    org = Organization.objects.get()
    assert org.kind == Kind.COMPANY and org.business_number == "1168200276"
    warnings = list(response.context["messages"])
    assert any("type code (82)" in str(m) and m.level_tag == "warning" for m in warnings)
    assert "data-business-number-warning" in client.get(reverse("my:dashboard")).content.decode()


def test_registering_a_company_with_a_for_profit_number_says_nothing_of_it(client, dana, industry):
    response = register(client, form_data(industry), follow=True)
    assert not [m for m in response.context["messages"] if m.level_tag == "warning"]
    assert "data-business-number-warning" not in response.content.decode()


def test_staff_filter_the_list_for_numbers_that_do_not_fit_the_kind(client, reviewer, make_org):
    odd = make_org("비영리같은회사", business_number=number("82"))
    make_org("보통회사", business_number=number("81"))
    client.force_login(reviewer)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.get(CHANGELIST, {"number_kind": "mismatch"})
    assert list(response.context["cl"].result_list) == [odd]
    page = client.get(reverse("admin:members_organization_change", args=[odd.pk])).content.decode()
    assert 'class="business-number-warning"' in page and "type code (82)" in page


# --- 법인등록번호 --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "valid"),
    [
        ("110111-0062432", True),  # the registry rule's worked example: 28 → check digit 2
        ("1101110062432", True),
        ("130111-0006246", True),
        ("110111-2487050", True),  # check digit 0 (sum 50)
        ("110111-0062433", False),  # one off in the check digit
        ("110111-2487055", False),  # what summing the products' digits (Luhn) would give: not this rule
        ("110111-006243", False),  # twelve digits
        ("11011-10062432", False),  # the dash in the wrong place
        ("１１０１１１－００６２４３２", True),  # full-width
        ("110111 0062432", True),  # a space for the dash
        ("abc", False),
    ],
)
def test_corporate_number_check_digit(given, valid):
    assert corporate_numbers.is_valid(corporate_numbers.normalize(given)) is valid


def test_corporate_number_check_digit_is_the_weighted_sum_rule():
    # 1×1 + 1×2 + 0×1 + 1×2 + 1×1 + 1×2 + 0×1 + 0×2 + 6×1 + 2×2 + 4×1 + 3×2 = 28; (10 − 8) mod 10 = 2
    assert corporate_numbers.check_digit("110111006243") == 2
    assert corporate_numbers.make("110111248705") == "1101112487050"
    assert corporate_numbers.display("1101110062432") == "110111-0062432"


def test_a_corporation_registers_its_corporate_number_typed_with_a_dash(client, dana, industry):
    register(client, form_data(industry, corporate_number="１１０１１１－００６２４３２"))
    org = Organization.objects.get()
    assert org.corporate_number == "1101110062432"
    assert "110111-0062432" in client.get(reverse("my:dashboard")).content.decode()


def test_a_wrong_corporate_number_is_refused_with_a_message(client, dana, industry):
    response = register(client, form_data(industry, corporate_number="110111-0062433"))
    assert "its check digit does not match" in response.content.decode()
    assert not Organization.objects.exists()


def test_an_individual_business_has_no_corporate_number(client, dana, industry):
    individual = business_numbers.example(5, "12")
    response = register(client, form_data(industry, business_number=individual, corporate_number="110111-0062432"))
    assert response.status_code == 200
    assert "Only corporations have a corporate registration number" in response.content.decode()
    assert "type code 12" in response.content.decode()
    assert not Organization.objects.exists()


def test_a_corporate_number_is_registered_once(client, dana, industry, make_org):
    make_org("먼저온회사", corporate_number="1101110062432")
    response = register(client, form_data(industry, corporate_number="110111-0062432"))
    assert "This corporate registration number is already registered" in response.content.decode()
    assert response.context["form"].errors["corporate_number"]
    assert Organization.objects.count() == 1


def test_many_organisations_leave_the_corporate_number_empty(make_org):
    make_org("가", corporate_number="")
    make_org("나", corporate_number="")  # the unique constraint covers filled-in numbers only
    assert Organization.objects.filter(corporate_number="").count() == 2


def test_the_database_refuses_a_corporate_number_not_stored_as_13_digits(make_org):
    org = make_org("한빛")
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.filter(pk=org.pk).update(corporate_number="110111-006243")  # 13 characters


def test_the_database_refuses_a_second_organisation_with_the_same_corporate_number(make_org):
    first, second = make_org("가"), make_org("나")
    Organization.objects.filter(pk=first.pk).update(corporate_number="1101110062432")
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.filter(pk=second.pk).update(corporate_number="1101110062432")


def test_the_model_check_gives_the_friendly_message_for_a_taken_number(make_org):
    make_org("가", corporate_number="1101110062432")
    twin = Organization(**{f.attname: getattr(make_org("나"), f.attname) for f in Organization._meta.concrete_fields
                           if f.attname != "id"})
    twin.corporate_number = "1101110062432"
    with pytest.raises(ValidationError) as error:
        twin.validate_constraints()
    assert "already registered" in str(error.value)


def test_staff_find_an_organisation_by_its_corporate_number_typed_with_a_dash(client, reviewer, make_org):
    org = make_org("법인회사", corporate_number="1101110062432")
    make_org("다른회사")
    client.force_login(reviewer)
    response = client.get(CHANGELIST, {"q": "110111-0062432"})
    assert list(response.context["cl"].result_list) == [org]


# --- kinds: the rules in clean() and in the database (the constraints the migration replaced) ----------------


@pytest.mark.parametrize(
    ("kind", "tier", "institution_type"),
    [
        (Kind.COMPANY, "large", ""),
        (Kind.INSTITUTION, "", "university"),
        (Kind.INSTITUTION, "", "public"),
        (Kind.PUBLIC_ENTERPRISE, "", ""),
    ],
)
def test_each_kind_saves_with_its_own_shape(db, kind, tier, institution_type):
    extra = {"institution_type": institution_type} if kind == Kind.INSTITUTION else {}
    org = personas.organization(kind=kind, tier=tier or Organization.Tier.SME, **extra)
    assert (org.kind, org.tier, org.institution_type) == (kind, tier, institution_type)


@pytest.mark.parametrize(
    ("kind", "tier", "institution_type", "field"),
    [
        (Kind.COMPANY, "", "", "tier"),
        (Kind.COMPANY, "large", "research", "institution_type"),
        (Kind.INSTITUTION, "large", "research", "tier"),
        (Kind.INSTITUTION, "", "", "institution_type"),
        (Kind.PUBLIC_ENTERPRISE, "large", "", "tier"),
        (Kind.PUBLIC_ENTERPRISE, "", "public", "institution_type"),
    ],
)
def test_a_kind_with_the_wrong_shape_is_refused_by_clean_and_by_the_database(make_org, kind, tier, institution_type,
                                                                             field):
    org = make_org("모양")
    org.kind, org.tier, org.institution_type = kind, tier, institution_type
    with pytest.raises(ValidationError) as error:
        org.full_clean()
    assert field in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.filter(pk=org.pk).update(kind=kind, tier=tier, institution_type=institution_type)


def test_a_public_enterprise_is_a_group_of_its_own(db):
    pe = personas.organization(kind=Kind.PUBLIC_ENTERPRISE, name="한결에너지공사")
    assert pe.group == Organization.Group.PUBLIC_ENTERPRISE
    assert pe.size_label == str(Organization.Group.PUBLIC_ENTERPRISE.label)
    assert not pe.needs_tier_proof
    counts = Organization.objects.filter(pk=pe.pk).count_by_group()
    assert counts[Organization.Group.PUBLIC_ENTERPRISE] == 1 and sum(counts.values()) == 1


def test_a_public_enterprise_registers_without_tier_or_institution_type(client, dana, industry):
    response = register(client, form_data(industry, kind="public_enterprise", tier="", tier_proof=None,
                                          certificate_number="", certificate_expires_on=""))
    assert response.status_code == 302, response.context["form"].errors
    org = Organization.objects.get()
    assert (org.kind, org.tier, org.institution_type, org.group) == ("public_enterprise", "", "", "public_enterprise")


def test_the_directory_filters_public_enterprises(client, db):
    pe = personas.organization(kind=Kind.PUBLIC_ENTERPRISE, name="누리도시개발공사")
    company = personas.organization(name="누리정밀")
    page = client.get(reverse("members:directory"), {"kind": "public_enterprise"}).content.decode()
    assert pe.name in page and company.name not in page
