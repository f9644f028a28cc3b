"""Personas for the members app: an SME's owner and colleagues, an outsider company, staff."""

import datetime
import itertools

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from members import business_numbers
from members.models import Industry, Membership, Organization, StatusChange

PDF_BYTES = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
_numbers = itertools.count(100_000_001)


def pdf(name="확인서.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def next_business_number():
    return business_numbers.make(next(_numbers))


@pytest.fixture
def industry(db):
    return Industry.objects.get(code="machinery")


@pytest.fixture
def make_org(db, industry):
    """An organisation saved directly (as the admin or demo data would), with an owner if given."""

    def make(name="한빛정밀", *, owner=None, status=Organization.Status.PENDING, kind="company", tier="sme", **fields):
        values = {
            "kind": kind,
            "name": name,
            "business_number": next_business_number(),
            "representative": "김대표",
            "tier": tier if kind == "company" else "",
            "institution_type": "" if kind == "company" else "research",
            "industry": industry,
            "address": "경기도 안산시 단원구 1",
            "employees": 40,
            "status": status,
        }
        if kind == "company" and tier in ("sme", "midsize"):
            values.update(certificate_number="0001-2026-01", certificate_expires_on=datetime.date(2027, 3, 31))
        values.update(fields)
        org = Organization(**values)
        if kind == "company" and tier in ("sme", "midsize") and "tier_proof" not in fields:
            org.tier_proof.save("확인서.pdf", pdf(), save=False)
            org.tier_proof_name = "확인서.pdf"
        org.full_clean()
        org.save()
        if owner is not None:
            Membership.objects.create(user=owner, organization=org, role=Membership.Role.OWNER)
        StatusChange.objects.create(organization=org, by=owner, from_status="", to_status=Organization.Status.PENDING)
        return org

    return make


@pytest.fixture
def alice(make_user):
    """Owner of 한빛정밀, an SME."""
    return make_user("alice@hanbit.example")


@pytest.fixture
def hanbit(make_org, alice):
    return make_org("한빛정밀", owner=alice)


@pytest.fixture
def bob(make_user, hanbit):
    """A plain member of 한빛정밀."""
    user = make_user("bob@hanbit.example")
    Membership.objects.create(user=user, organization=hanbit, role=Membership.Role.MEMBER)
    return user


@pytest.fixture
def carol(make_user, hanbit):
    """A manager at 한빛정밀."""
    user = make_user("carol@hanbit.example")
    Membership.objects.create(user=user, organization=hanbit, role=Membership.Role.MANAGER)
    return user


@pytest.fixture
def mallory(make_user, make_org):
    """Owner of another company, 누리소재: must never see 한빛정밀's data."""
    user = make_user("mallory@nuri.example")
    make_org("누리소재", owner=user)
    return user


@pytest.fixture
def reviewer(make_user):
    """Ministry staff in 'Membership reviewers', with MFA."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    user = make_user("reviewer@ministry.example", is_staff=True)
    user.groups.add(Group.objects.get(name="Membership reviewers"))
    TOTP.activate(user, generate_totp_secret())
    return user


@pytest.fixture
def reader(make_user):
    """Staff who may read memberships but not decide."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    user = make_user("reader@ministry.example", is_staff=True)
    user.groups.add(Group.objects.get(name="Membership readers"))
    TOTP.activate(user, generate_totp_secret())
    return user
