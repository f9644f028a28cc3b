"""Demo members: `organisation_count(scale)` organisations (40 for the small demo), with owners and histories.

Names are made up from syllables of our own choosing (no real company is meant). Everything is derived
from the organisation's index and the given rng, so a run is deterministic; organisations are keyed by
business number, so running again creates nothing new. Rows go in with bulk_create, so that large
scales stay quick.
"""

import datetime

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import timezone

from members import business_numbers, corporate_numbers, services
from members.models import Industry, Membership, Organization, StatusChange, User
from portal.demo import DEMO_PASSWORD, analyze, ensure_mfa, ensure_user, organisation_count, progress
from portal.files import PrivateUploadTo

# Organisations whose rows are checked with full_clean() as a sample (the rest are built the same way).
VALIDATED_SAMPLE = 12
# Organisations built and written at a time: the seeder's memory is that of one batch, whatever the scale.
BATCH = 2000
REVIEWER_EMAIL = "reviewer@alliance.example"
FIRST_OWNER_EMAIL = "owner1@demo.alliance.example"

_HEADS = ["한결", "누리", "다온", "새봄", "해솔", "가람", "온새", "별하", "미르", "라온",
          "아름", "초롱", "푸른", "하람", "늘봄", "빛누리", "도담", "마루", "슬기", "여울"]
_TAILS = ["정밀", "테크", "소재", "기공", "오토메이션", "시스템즈", "산업",
          "전자", "머티리얼즈", "로보틱스", "메카닉스", "케미칼", "에너지", "솔루션"]
_INSTITUTIONS = [
    ("university", "{}대학교 스마트제조연구센터"), ("research", "{}생산기술연구원"),
    ("association", "{}제조혁신협회"), ("public", "{}산업진흥원"),
]
# 공기업: for-profit public corporations, their own kind (no tier, no institution type).
_PUBLIC_ENTERPRISES = ["{}에너지공사", "{}도시개발공사", "{}항만공사"]
_PLACES = ["경기도 안산시 단원구", "경상남도 창원시 성산구", "울산광역시 남구", "충청남도 아산시", "경상북도 구미시",
           "인천광역시 남동구", "전라남도 여수시", "대전광역시 유성구", "광주광역시 광산구", "충청북도 청주시 흥덕구"]
_SURNAMES = ["김", "이", "박", "최", "정", "강", "조", "윤", "장", "임"]
_GIVEN = ["민준", "서연", "도윤", "하은", "지호", "수아", "예준", "지유", "현우", "서윤"]
PDF = b"%PDF-1.4\n% demo certificate\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

S = Organization.Status
# Status mix of the demo: mostly approved members, some in every other state.
_STATUS_CYCLE = [S.APPROVED] * 6 + [S.PENDING, S.CHANGES_REQUESTED, S.APPROVED, S.REJECTED, S.SUSPENDED, S.PENDING]
# Path through the status machine that ends in each status (after the initial submission).
_PATHS = {
    S.PENDING: [],
    S.APPROVED: [S.APPROVED],
    S.CHANGES_REQUESTED: [S.CHANGES_REQUESTED],
    S.REJECTED: [S.REJECTED],
    S.SUSPENDED: [S.APPROVED, S.SUSPENDED],
}
_NOTES = {
    S.CHANGES_REQUESTED: "중소기업확인서의 유효기간이 지났습니다. 새 확인서를 올려 주세요.",
    S.REJECTED: "제조 관련 사업 내용을 확인할 수 없습니다.",
    S.SUSPENDED: "회원 정보 확인 요청에 답이 없어 일시 정지합니다.",
}


def _tier_for(n):
    # The launch mix of companies (21% large, 23% mid-sized, 56% SMEs), spread evenly over the numbers:
    # the fractional parts of n × golden ratio fill [0, 1) uniformly, even for a few dozen organisations.
    roll = (n * 0.6180339887498949) % 1
    if roll < 0.21:
        return Organization.Tier.LARGE
    return Organization.Tier.MIDSIZE if roll < 0.44 else Organization.Tier.SME


def _person(rng):
    return rng.choice(_SURNAMES) + rng.choice(_GIVEN)


def _build(n, rng, industries, today):
    """The n-th demo organisation (1-based), unsaved."""
    institution = n % 6 == 0
    # Every 20th organisation (7, 27, 47, ...) is a public enterprise; never one of the institutions' numbers.
    public_enterprise = n % 20 == 7
    head = _HEADS[n % len(_HEADS)]
    if public_enterprise:
        institution_type, tier = "", ""
        name = _PUBLIC_ENTERPRISES[(n // 20) % len(_PUBLIC_ENTERPRISES)].format(head + ("" if n <= 120 else str(n)))
    elif institution:
        institution_type, pattern = _INSTITUTIONS[(n // 6) % len(_INSTITUTIONS)]
        name, tier = pattern.format(head + ("" if n <= 120 else str(n))), ""
    else:
        institution_type = ""
        suffix = "" if n <= len(_HEADS) * len(_TAILS) else f" {n}"
        name = f"{head}{_TAILS[(n // len(_HEADS)) % len(_TAILS)]}{suffix}"
        tier = _tier_for(n)
    kind = (Organization.Kind.PUBLIC_ENTERPRISE if public_enterprise
            else Organization.Kind.INSTITUTION if institution else Organization.Kind.COMPANY)
    org = Organization(
        kind=kind,
        name=f"(주){name}" if tier == Organization.Tier.LARGE else name,
        # Type code 81 (a for-profit corporation) for companies and public enterprises, 82 (non-profit) for
        # institutions; corporations carry a 법인등록번호 (Seoul registry, 주식회사 11), institutions leave it out.
        business_number=business_numbers.example(700_000 + n, "82" if kind == Organization.Kind.INSTITUTION else "81"),
        corporate_number="" if kind == Organization.Kind.INSTITUTION else corporate_numbers.make(
            f"{1101 + n // 1_000_000:04d}11{n % 1_000_000:06d}"),
        representative=_person(rng),
        tier=tier,
        institution_type=institution_type,
        # Offset every 12 numbers, so that the status cycle (also 12 long) does not pin statuses to industries.
        industry=industries[(n + n // len(_STATUS_CYCLE)) % len(industries)],
        address=f"{rng.choice(_PLACES)} 산단로 {rng.randint(1, 300)}",
        employees={"large": rng.randint(1000, 20000), "midsize": rng.randint(300, 1500),
                   "sme": rng.randint(10, 299)}.get(tier, rng.randint(20, 800)),
        annual_revenue=(
            {"large": rng.randint(500, 5000) * 1_000_000_000, "midsize": rng.randint(50, 800) * 1_000_000_000,
             "sme": rng.randint(10, 2000) * 100_000_000}[tier] if tier and rng.random() < 0.8 else None
        ),
        ai_stage=rng.choice(list(Organization.AIStage.values)),
        listed_in_directory=rng.random() < 0.9,
        # A few members chose a public page of their own: the large enterprises, which lead most demo projects,
        # and every seventh other one. (Not from the rng: the rest of the demo data stays as it was.)
        public_page=tier == Organization.Tier.LARGE or n % 7 == 3,
        status=_STATUS_CYCLE[n % len(_STATUS_CYCLE)],
    )
    if org.needs_tier_proof:
        org.certificate_number = f"{'0001' if tier == 'sme' else '0002'}-{today.year}-{n:05d}"
        # A few certificates expire soon or have expired, so the admin filter has something to show.
        org.certificate_expires_on = today + datetime.timedelta(days=rng.choice([-10, 12, 25, 200, 300, 365]))
        org.tier_proof_name = "중소기업확인서.pdf" if tier == "sme" else "중견기업확인서.pdf"
    return org


def _registered_at(n, now):
    """When organisation n applied: spread over the two years since the launch, the same on every run."""
    return now - datetime.timedelta(days=10 + (n * 37) % 720, hours=n % 9)


def owner_email(n):
    return f"owner{n}@demo.alliance.example"


def _ensure_owners(numbers):
    """Verified owner accounts for organisations `numbers`, created in bulk (one password hash for all)."""
    emails = {owner_email(n): n for n in numbers}
    have = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    password = make_password(DEMO_PASSWORD)
    User.objects.bulk_create(
        [User(email=email, password=password, first_name=_GIVEN[n % len(_GIVEN)],
              last_name=_SURNAMES[n % len(_SURNAMES)]) for email, n in emails.items() if email not in have],
        batch_size=500,
    )
    users = {u.email: u for u in User.objects.filter(email__in=emails).annotate(
        membership_id=models.F("membership__id"))}
    verified = set(EmailAddress.objects.filter(email__in=emails).values_list("email", flat=True))
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=users[e], email=e, verified=True, primary=True) for e in emails if e not in verified],
        batch_size=500,
    )
    return {n: users[email] for email, n in emails.items()}


def _changes_after_approval(organisations, owners):
    """The first two approved members, after approval: a new contact person that applies at once and a change of
    representative that waits for the secretariat, made through the service as an owner makes them on /my/."""
    approved = [(n, org) for n, org in organisations if org.status == S.APPROVED]
    for n, org in approved[:2]:
        services.organization_change(
            organization=org, by=owners[n], reason="대표이사 변경 (이사회 결의)",
            values={
                "contact_name": _SURNAMES[(n + 3) % len(_SURNAMES)] + _GIVEN[(n + 5) % len(_GIVEN)],
                "contact_phone": "031-555-0100",
                "representative": _SURNAMES[(n + 1) % len(_SURNAMES)] + _GIVEN[(n + 2) % len(_GIVEN)],
            },
        )


def _seed_batch(numbers, *, rng, industries, today, now, reviewer, proof):
    """Organisations `numbers` with their owners and histories; returns [(n, saved organisation)] of the new ones."""
    wanted = {}
    for n in numbers:
        org = _build(n, rng, industries, today)
        wanted[org.business_number] = (n, org)
    existing = set(Organization.objects.filter(business_number__in=wanted).values_list("business_number", flat=True))
    new = [(n, org) for number, (n, org) in wanted.items() if number not in existing]
    if not new:
        return [], proof

    # One small demo PDF, stored once under a random private name, serves as every certificate.
    proof = proof or default_storage.save(PrivateUploadTo("tier-proofs")(None, "demo.pdf"), ContentFile(PDF))
    for n, org in new:
        if org.needs_tier_proof:
            org.tier_proof.name = proof
        if n <= VALIDATED_SAMPLE:
            org.full_clean(validate_unique=False, validate_constraints=False)
        if org.status in (S.APPROVED, S.SUSPENDED):
            org.approved_at = _registered_at(n, now) + datetime.timedelta(days=3)
    Organization.objects.bulk_create([org for _n, org in new], batch_size=500)
    created = {org.business_number: org for org in Organization.objects.filter(
        business_number__in=[org.business_number for _n, org in new])}

    owners = _ensure_owners([n for n, _org in new])
    memberships, changes = [], []
    for n, org in new:
        org = created[org.business_number]
        owner = owners[n]
        if owner.membership_id is None:
            memberships.append(Membership(user=owner, organization=org, role=Membership.Role.OWNER))
        at = _registered_at(n, now)
        changes.append(StatusChange(organization=org, by=owner, at=at, from_status="", to_status=S.PENDING))
        previous = S.PENDING
        for step, status in enumerate(_PATHS[org.status], start=1):
            changes.append(StatusChange(
                organization=org, by=reviewer, at=at + datetime.timedelta(days=3 * step),
                from_status=previous, to_status=status, note=_NOTES.get(status, ""),
            ))
            previous = status
    Membership.objects.bulk_create(memberships, batch_size=500)
    StatusChange.objects.bulk_create(changes, batch_size=1000)
    if numbers[0] == 1:
        # The planner's statistics once the tables hold a batch (the transaction's rows are new to it), so that the
        # counts below read each organisation's memberships from the index rather than every membership.
        analyze(Organization, Membership, User)
    services.people_count_refresh(organization_ids=[org.pk for org in created.values()])
    return [(n, created[org.business_number]) for n, org in new], proof


@transaction.atomic
def seed(*, rng, scale, stdout):
    now = timezone.now().replace(second=0, microsecond=0)
    today = timezone.localdate()
    industries = list(Industry.objects.order_by("sort_order", "pk"))
    count = organisation_count(scale)
    reviewer = ensure_user(REVIEWER_EMAIL, is_staff=True, groups=["Membership reviewers"],
                           first_name="지현", last_name="심사")
    secret, codes = ensure_mfa(reviewer)

    # In batches, so that memory stays the same at any scale: nothing holds every organisation at once.
    created_count, proof = 0, None
    for first in progress(range(1, count + 1, BATCH), total=-(-count // BATCH), desc="organisations"):
        numbers = range(first, min(first + BATCH, count + 1))
        new, proof = _seed_batch(numbers, rng=rng, industries=industries, today=today, now=now, reviewer=reviewer,
                                 proof=proof)
        created_count += len(new)
        if first == 1:
            _changes_after_approval(new, _ensure_owners([n for n, _org in new[:VALIDATED_SAMPLE]]))

    stdout.write(
        f"\nMembers: {created_count} demo organisations created ({count - created_count} already there).\n"
        f"  Company owner (see /my/):   {FIRST_OWNER_EMAIL} / {DEMO_PASSWORD}\n"
        f"  Membership reviewer (admin): {REVIEWER_EMAIL} / {DEMO_PASSWORD}\n"
        f"  reviewer TOTP secret:        {secret}\n"
        f"  reviewer recovery code:      {codes[0] if codes else '(all used)'}\n"
    )
