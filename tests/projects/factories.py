"""Test data for the projects app, built in code. The one place that knows how to make members' rows."""

import datetime
import itertools

from django.utils import timezone

from members.models import Industry, Membership, Organization
from projects.models import KPI, AIArea, Call, Participant, Proposal

_numbers = itertools.count(100)


def business_number(seed):
    """A 10-digit business registration number with a valid NTS check digit."""
    digits = [int(c) for c in f"{seed:09d}"[-9:]]
    digits[3:5] = [8, 1]  # a corporate business type code, as real companies have
    total = sum(d * w for d, w in zip(digits, (1, 3, 7, 1, 3, 7, 1, 3, 5), strict=True)) + digits[8] * 5 // 10
    return "".join(map(str, digits)) + str((10 - total % 10) % 10)


def industry(code="semiconductor"):
    return Industry.objects.get_or_create(code=code, defaults={"name_ko": "반도체", "name_en": "Semiconductors"})[0]


def organization(name=None, *, tier=Organization.Tier.SME, kind=Organization.Kind.COMPANY, status="approved"):
    n = next(_numbers)
    extra = {}
    if kind == Organization.Kind.INSTITUTION:
        tier = ""
        extra["institution_type"] = "research"
    return Organization.objects.create(
        name=name or f"회사{n}", kind=kind, tier=tier, status=status, industry=industry(),
        business_number=business_number(n), **extra,
    )


def member(make_user, org, role=Membership.Role.MEMBER, email=None):
    user = make_user(email or f"{role}-{org.pk}-{next(_numbers)}@example.com")
    Membership.objects.create(user=user, organization=org, role=role)
    return user


def call(*, opens=-10, closes=20, **fields):
    """A call that opened `opens` days ago and closes in `closes` days (relative to now)."""
    now = timezone.now()
    fields.setdefault("title", "2026년 AI 자율제조 선도 프로젝트")
    obj = Call.objects.create(
        opens_at=now + datetime.timedelta(days=opens), closes_at=now + datetime.timedelta(days=closes), **fields
    )
    obj.add_default_criteria()
    return obj


def proposal(call_obj, lead, *, status=Proposal.Status.DRAFT, title="AI 불량 검출 라인", **fields):
    start = timezone.localdate(call_obj.opens_at) + datetime.timedelta(days=30)
    obj = Proposal.objects.create(
        call=call_obj, lead=lead, title=title, summary="요약", problem="문제와 목표", industry=industry(),
        starts_on=fields.pop("starts_on", start), ends_on=fields.pop("ends_on", start + datetime.timedelta(days=700)),
        status=status, **fields,
    )
    obj.ai_areas.set(AIArea.objects.filter(code="defect-detection"))
    return obj


def participant(prop, org, role=Participant.Role.RESEARCH_PARTNER, gov=0, cash=0, kind=0):
    return Participant.objects.create(
        proposal=prop, organization=org, role=role, government_funding=gov, private_cash=cash, private_in_kind=kind
    )


def ready_proposal(call_obj=None, *, lead=None, partner=None, status=Proposal.Status.DRAFT, gov=3_000_000_000,
                   title="AI 불량 검출 라인"):
    """A proposal that passes every submission rule: large lead, SME demand company, document, KPI.

    The lead (large, ≤ 50 %) gets `gov` and the same again in private money (20 % cash);
    the SME gets twice as much (≥ 50 % to SMEs) with 75 % cover.
    """
    from django.core.files.base import ContentFile

    call_obj = call_obj or call()
    lead = lead or organization("대형제조", tier=Organization.Tier.LARGE)
    sme = partner or organization("중소부품", tier=Organization.Tier.SME)
    prop = proposal(call_obj, lead, status=status, title=title)
    participant(prop, lead, Participant.Role.LEAD, gov=gov, cash=gov // 5, kind=gov - gov // 5)
    sme_gov = gov * 3 // 2
    participant(prop, sme, Participant.Role.DEMAND_COMPANY, gov=sme_gov, cash=sme_gov // 3, kind=0)
    KPI.objects.create(proposal=prop, indicator="생산성", baseline=100, target=120, unit="%")
    prop.document.save("proposal.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    prop.document_name = "proposal.pdf"
    prop.recompute_totals()
    prop.save()
    return prop


def staff(make_user, email, group):
    """A staff member with MFA in one of the projects groups."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.models import Group

    user = make_user(email, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    TOTP.activate(user, generate_totp_secret())
    return user
