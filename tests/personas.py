"""The suite's people and their organisations, built in code: the one place that makes these rows.

Every folder's fixtures (alice, owner, reviewer, world, ...) are thin names over these builders.
Organisations go through `full_clean()`, so a test never meets a row the portal would refuse
(an SME without its certificate, a number with a wrong check digit). Plain functions rather than
factory-boy: each builder is a few lines over the models, and one way of building is easier to
keep honest than two.
"""

import datetime
import itertools

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from members import business_numbers, services
from members.models import Industry, Membership, Organization, StatusChange
from projects.models import KPI, AIArea, Call, Participant, Proposal

PASSWORD = "pw-for-tests-1"
PDF_BYTES = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# The staff groups the data migrations create, each with its own rights.
MEMBERSHIP_REVIEWERS = "Membership reviewers"
MEMBERSHIP_READERS = "Membership readers"
PROJECT_REVIEWERS = "Project reviewers"
PROJECT_DECIDERS = "Project deciders"
NEWS_EDITORS = "News editors"
PRIVACY_OFFICERS = "Privacy officers"
STAFF_GROUPS = (MEMBERSHIP_REVIEWERS, MEMBERSHIP_READERS, PROJECT_REVIEWERS, PROJECT_DECIDERS, NEWS_EDITORS)

# One counter for the whole run: numbers and addresses stay unique even across module-scoped data.
_serial = itertools.count(100_000_001)

Tier = Organization.Tier
Kind = Organization.Kind
Status = Organization.Status


def serial() -> int:
    return next(_serial)


# The type code (middle two digits) of each kind's numbers: a for-profit corporation's, a non-profit's.
TYPE_CODES = {Kind.COMPANY: "81", Kind.INSTITUTION: "82", Kind.PUBLIC_ENTERPRISE: "81"}


def business_number(kind=Kind.COMPANY) -> str:
    """A fresh, valid 사업자등록번호 with the type code of `kind` (members.business_numbers.example)."""
    return business_numbers.example(serial(), TYPE_CODES[kind])


def certificate_valid_until(days=300) -> datetime.date:
    """A validity date a form accepts today (members.certificate_dates: from today up to 15 months ahead)."""
    return timezone.localdate() + datetime.timedelta(days=days)


def pdf(name="확인서.pdf", content=PDF_BYTES):
    """A small PDF as a browser uploads it."""
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# --- people -------------------------------------------------------------------------------------


def user(email=None, *, password=PASSWORD, consented=True, mailing=False, **fields):
    """A person whose email is verified, who signs in with `password`, and who agreed at sign-up to the
    required documents in force (and to the mailing if `mailing`); `consented=False` for one who never did."""
    email = email or f"person{serial()}@example.com"
    person = get_user_model().objects.create_user(email=email, password=password, **fields)
    EmailAddress.objects.create(user=person, email=email, verified=True, primary=True)
    if consented:
        consent(person, mailing=mailing)
    return person


def confirm_identity(client, *, ago=0, reauthenticated=True):
    """Mark the client's session as signed in (and, by default, re-authenticated) `ago` seconds ago, as allauth's
    records of the session say it (portal.reauth reads them). Replaces the session's earlier records."""
    import time

    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )

    session = client.session
    user_id = session["_auth_user_id"]
    record = {"method": "password", "at": time.time() - ago, **({"reauthenticated": True} if reauthenticated else {})}
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [record]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user_id)
    session.save()


def consent(person, *, mailing=False, source="signup"):
    """`person` answers the documents in force: yes to the required ones, `mailing` to the mailing."""
    from privacy import consents
    from privacy.models import Kind

    consents.record_consents(user=person, source=source,
                             answers={Kind.TERMS: True, Kind.COLLECTION: True, Kind.MAILING: mailing})


def activate_totp(person) -> str:
    """Give `person` an authenticator app; returns its secret (a browser test types codes from it)."""
    secret = generate_totp_secret()
    TOTP.activate(person, secret)
    return secret


def passkey(person, name="보안 키", *, rp_id="127.0.0.1", passwordless=True):
    """A WebAuthn authenticator (a passkey) of `person`, as allauth stores one after a real registration: an EC key
    pair made here, its public half in a "none" attestation. Returns the authenticator and the private key."""
    import hashlib
    import json
    import os as _os

    from allauth.mfa.models import Authenticator
    from cryptography.hazmat.primitives.asymmetric import ec
    from fido2.cose import ES256
    from fido2.webauthn import (
        AttestationObject,
        AttestedCredentialData,
        AuthenticatorAttestationResponse,
        AuthenticatorData,
        CollectedClientData,
        RegistrationResponse,
    )

    key = ec.generate_private_key(ec.SECP256R1())
    credential_data = AttestedCredentialData.create(b"\0" * 16, _os.urandom(16), ES256.from_cryptography_key(
        key.public_key()))
    flags = AuthenticatorData.FLAG.UP | AuthenticatorData.FLAG.UV | AuthenticatorData.FLAG.AT
    auth_data = AuthenticatorData.create(hashlib.sha256(rp_id.encode()).digest(), flags, 0, credential_data)
    response = RegistrationResponse(
        raw_id=credential_data.credential_id,
        response=AuthenticatorAttestationResponse(
            client_data=CollectedClientData.create("webauthn.create", _os.urandom(16), f"http://{rp_id}"),
            attestation_object=AttestationObject.create("none", auth_data, {}),
        ),
    )
    credential = {**json.loads(json.dumps(dict(response))),
                  "clientExtensionResults": {"credProps": {"rk": passwordless}}}
    authenticator = Authenticator.objects.create(user=person, type=Authenticator.Type.WEBAUTHN,
                                                 data={"name": name, "credential": credential})
    return authenticator, key


def staff(email=None, *, group=None, mfa=True, permissions=(), **fields):
    """Ministry staff, in `group` (a name, or several) if given, with an authenticator unless `mfa=False`.

    `permissions` are (app_label, codename) pairs given to the person directly, for staff
    whose rights no group describes.
    """
    person = user(email or f"staff{serial()}@ministry.example", is_staff=True, **fields)
    if group:
        names = [group] if isinstance(group, str) else list(group)
        groups = list(Group.objects.filter(name__in=names))
        assert len(groups) == len(names), f"no such staff group among {names}"
        person.groups.add(*groups)
    if permissions:
        from django.contrib.auth.models import Permission

        for app_label, codename in permissions:
            person.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    if mfa:
        activate_totp(person)
    return person


# --- organisations ------------------------------------------------------------------------------


def industry(code="machinery"):
    return Industry.objects.get(code=code)


# The history an organisation in each status has been through, after "" -> pending.
_PATH = {
    Status.PENDING: [],
    Status.APPROVED: [Status.APPROVED],
    Status.CHANGES_REQUESTED: [Status.CHANGES_REQUESTED],
    Status.REJECTED: [Status.REJECTED],
    Status.SUSPENDED: [Status.APPROVED, Status.SUSPENDED],
}


def organization(name=None, *, kind=Kind.COMPANY, tier=Tier.SME, status=Status.APPROVED, owner=None,
                 industry=None, certificate=None, full_history=True, **fields):
    """An organisation as registration and review leave it: checked by `full_clean()`, with its history.

    SMEs and mid-sized firms carry their certificate (file, number, validity) unless `fields`
    say otherwise; others may too, with `certificate=True`. Institutions have no tier and are
    research institutes unless told; public enterprises have neither. The history records
    registration and, with `full_history`, each review step that led to `status`.
    `owner`, if given, becomes its owner. Extra `fields` override any value.
    """
    n = serial()
    company = kind == Kind.COMPANY
    values = {
        "kind": kind,
        "name": name or f"회사{n}",
        "business_number": business_numbers.example(n, TYPE_CODES[kind]),
        "representative": "김대표",
        "tier": tier if company else "",
        "institution_type": Organization.InstitutionType.RESEARCH if kind == Kind.INSTITUTION else "",
        "industry": industry or Industry.objects.get(code="machinery"),
        "address": "경기도 안산시 단원구 1",
        "employees": 40,
        "status": status,
    }
    needs_proof = company and tier in Organization.TIERS_NEEDING_PROOF if certificate is None else certificate
    if needs_proof:
        values.update(certificate_number="0001-2026-01", certificate_expires_on=datetime.date(2030, 3, 31))
    values.update(fields)
    org = Organization(**values)
    if needs_proof and "tier_proof" not in fields:
        org.tier_proof.save("확인서.pdf", ContentFile(PDF_BYTES), save=False)
        org.tier_proof_name = "확인서.pdf"
    # clean() and the field validators say what the check constraints say, and the database
    # enforces those on insert: validating them here too would cost a query each.
    org.full_clean(validate_constraints=False)
    org.save()
    if owner is not None:
        Membership.objects.create(user=owner, organization=org, role=Membership.Role.OWNER)
        services.people_count_refresh(organization_ids=[org.pk])
    history = [StatusChange(organization=org, by=owner, from_status="", to_status=Status.PENDING)]
    for step in _PATH.get(status, []) if full_history else []:
        history.append(StatusChange(organization=org, by=None, from_status=history[-1].to_status, to_status=step))
    StatusChange.objects.bulk_create(history)  # new rows only: the history's append-only rule holds
    return org


def member(org, role=Membership.Role.MEMBER, email=None, **fields):
    """A new person with `role` in `org`."""
    person = user(email or f"{role}-{org.pk}-{serial()}@example.com", **fields)
    Membership.objects.create(user=person, organization=org, role=role)
    services.people_count_refresh(organization_ids=[org.pk])
    return person


def join(person, org, role=Membership.Role.MEMBER):
    """An existing person joins `org` (a staff member who also works at a company, say)."""
    membership = Membership.objects.create(user=person, organization=org, role=role)
    services.people_count_refresh(organization_ids=[org.pk])
    return membership


# --- calls and proposals ------------------------------------------------------------------------


def call(*, opens=-10, closes=20, **fields):
    """A call that opened `opens` days ago and closes in `closes` days, with the default criteria."""
    now = timezone.now()
    fields.setdefault("title", "2026년 AI 자율제조 선도 프로젝트")
    obj = Call(
        opens_at=now + datetime.timedelta(days=opens), closes_at=now + datetime.timedelta(days=closes), **fields
    )
    # The check constraints are left to the database (as in `organization`): its refusal is tested.
    obj.full_clean(validate_constraints=False)
    obj.save()
    obj.add_default_criteria()
    return obj


def proposal(call_obj, lead, *, status=Proposal.Status.DRAFT, title="AI 불량 검출 라인", **fields):
    """A proposal of `lead` under `call_obj`, starting a month after the call opens, about two years long."""
    start = timezone.localdate(call_obj.opens_at) + datetime.timedelta(days=30)
    obj = Proposal(
        call=call_obj, lead=lead, title=title, summary="요약", problem="문제와 목표",
        industry=fields.pop("industry", None) or industry("semiconductors"),
        starts_on=fields.pop("starts_on", start), ends_on=fields.pop("ends_on", start + datetime.timedelta(days=700)),
        status=status, **fields,
    )
    obj.full_clean(validate_constraints=False)
    obj.save()
    obj.ai_areas.set(AIArea.objects.filter(code="defect-detection"))
    return obj


def participant(prop, org, role=Participant.Role.RESEARCH_PARTNER, gov=0, cash=0, kind=0,
                consent=Participant.Consent.ACCEPTED):
    """One budget line, already confirmed by its organisation unless `consent` says otherwise (a test of the
    confirmation itself builds `Participant.Consent.PENDING` lines). Not cleaned: tests build lines that break the
    funding rules on purpose."""
    return Participant.objects.create(
        proposal=prop, organization=org, role=role, government_funding=gov, private_cash=cash, private_in_kind=kind,
        consent=consent,
    )


def ready_proposal(call_obj=None, *, lead=None, partner=None, status=Proposal.Status.DRAFT, gov=3_000_000_000,
                   title="AI 불량 검출 라인", partner_consent=Participant.Consent.ACCEPTED):
    """A proposal that passes every submission rule: large lead, SME demand company (which has confirmed its part
    unless `partner_consent` says otherwise), document, KPI.

    The lead (large, ≤ 50 %) gets `gov` and the same again in private money (20 % cash);
    the SME gets one and a half times as much (≥ 50 % to SMEs) with 75 % cover.
    """
    call_obj = call_obj or call()
    lead = lead or organization("대형제조", tier=Tier.LARGE)
    sme = partner or organization("중소부품", tier=Tier.SME)
    prop = proposal(call_obj, lead, status=status, title=title)
    participant(prop, lead, Participant.Role.LEAD, gov=gov, cash=gov // 5, kind=gov - gov // 5)
    sme_gov = gov * 3 // 2
    participant(prop, sme, Participant.Role.DEMAND_COMPANY, gov=sme_gov, cash=sme_gov // 3, kind=0,
                consent=partner_consent)
    KPI.objects.create(proposal=prop, indicator="생산성", baseline=100, target=120, unit="%")
    prop.document.save("proposal.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    prop.document_name = "proposal.pdf"
    prop.recompute_totals()
    prop.save()
    return prop


# --- what a form page gives its visitor -----------------------------------------------------------


def form_once(client, purpose) -> dict:
    """The hidden one-time token (portal.once) that a create form shows `client`'s signed-in user, as POST
    data: what the page would have given, without fetching it."""
    from django.contrib.auth import SESSION_KEY

    from portal import once

    person = get_user_model().objects.get(pk=client.session[SESSION_KEY])
    return {once.FIELD: once.issue(user=person, purpose=purpose)}


# --- review panels (issue 16) -----------------------------------------------------------------------------------


def panel(call_obj, *, members=(), proposals=(), chair=None, starts=-1, deadline=7, **fields):
    """A panel of `call_obj` whose evaluation started `starts` days ago (negative: in the past) and whose scores are
    due in `deadline` days, with `members` (staff who can score; `chair` among them or added) and `proposals`."""
    from projects.models import Panel, PanelMember

    now = timezone.now()
    obj = Panel(call=call_obj, starts_at=now + datetime.timedelta(days=starts),
                deadline=now + datetime.timedelta(days=deadline), **fields)
    obj.full_clean()
    obj.save()
    people = list(members)
    if chair is not None and chair not in people:
        people.insert(0, chair)
    for person in people:
        seat = PanelMember(panel=obj, user=person, is_chair=person == chair)
        seat.full_clean()
        seat.save()
    for prop in proposals:
        assign(obj, prop)
    return obj


def assign(panel_obj, prop):
    from projects.models import PanelProposal

    assignment = PanelProposal(panel=panel_obj, proposal=prop)
    assignment.full_clean()
    assignment.save()
    return assignment


def declare(reviewer, prop, ground="none", reason=""):
    """`reviewer`'s declaration on `prop` through the service (the panel must have seated them)."""
    from projects import services

    return services.conflict_declare(proposal=prop, reviewer=reviewer, ground=ground, reason=reason)


def evaluator(email=None, *, name="김평가", affiliation="한국산업기술대학교", field="스마트제조", organization=None,
              employers=(), **fields):
    """An outside evaluator: a staff account in the reviewers' group with a profile. `employers` are
    (name, organisation or None, from year, until year)."""
    from projects.models import FormerEmployer, ReviewerProfile

    person = staff(email or f"evaluator{serial()}@university.example", group=PROJECT_REVIEWERS, **fields)
    profile = ReviewerProfile.objects.create(user=person, name=name, affiliation=affiliation, field=field,
                                             affiliation_organization=organization)
    for employer, org, since, until in employers:
        FormerEmployer.objects.create(profile=profile, name=employer, organization=org, from_year=since,
                                      until_year=until)
    return person


# --- running projects (issue 17) ----------------------------------------------------------------------------------


def selected_proposal(call_obj=None, *, lead=None, partner=None, owner=None, decider=None, gov=3_000_000_000,
                      title="AI 불량 검출 라인"):
    """A ready proposal taken through the real steps: submitted by an owner of its lead (a submitted version is
    kept), put under review and selected by a decider. Returns it fresh from the database."""
    from projects import services

    prop = ready_proposal(call_obj, lead=lead, partner=partner, gov=gov, title=title)
    owner = owner or Membership.objects.managing().filter(organization=prop.lead).first()
    owner = owner.user if isinstance(owner, Membership) else owner
    owner = owner or member(prop.lead, Membership.Role.OWNER)
    decider = decider or staff(group=PROJECT_DECIDERS)
    services.proposal_submit(proposal=prop, by=owner)
    services.proposal_start_review(proposal=prop, by=decider)
    services.proposal_decide(proposal=prop, by=decider, selected=True)
    return Proposal.objects.get(pk=prop.pk)


def iris_number(year=2026) -> str:
    """A fresh IRIS 과제번호 in IRIS's format (RS-YYYY-NNNNNNNN)."""
    return f"RS-{year}-{serial() % 10**8:08d}"


def running_project(prop=None, *, by=None, **fields):
    """The project of a selected proposal through delivery.services.project_create (a new selected proposal unless
    given), agreed as proposed: the proposal's period, funding and private money."""
    from delivery import services

    prop = prop or selected_proposal()
    by = by or staff(group=PROJECT_DECIDERS)
    data = {
        "iris_number": iris_number(), "agreed_on": prop.starts_on - datetime.timedelta(days=10),
        "starts_on": prop.starts_on, "ends_on": prop.ends_on, "government_funding": prop.government_total,
        "private_contribution": prop.private_total, **fields,
    }
    return services.project_create(proposal=prop, by=by, **data)


# --- standard models and adoption sites (issue 17) ---------------------------------------------------------------


def standard_model(*projects, name="AI 외관검사 표준모델", area="defect-detection", industries=("machinery",),
                   suppliers=(), published=True):
    """A standard model registered by a decider from `projects` (a new running project when none is given)."""
    from spread import services
    from spread.models import StandardModel

    obj = StandardModel(name_ko=name, name_en=f"{name} (en)", ai_area=AIArea.objects.get(code=area),
                        description_ko=f"{name}: 카메라와 AI로 외관 불량을 찾는 모델입니다.", is_published=published)
    services.standard_model_save(standard_model=obj, by=staff(group=PROJECT_DECIDERS))
    obj.projects.set(projects or [running_project()])
    obj.industries.set([industry(code) for code in industries])
    obj.suppliers.set(suppliers)
    return obj


def adoption_site(model, org=None, *, by=None, status="confirmed", use="in_use", region="gyeonggi", site_name=None,
                  adopted_on=None):
    """A site of `org` (a new approved company unless given) running `model`, reported by one of `org`'s owners (or by
    `by`) through the service and, for status "confirmed" or "returned", decided by a decider."""
    from spread import services

    org = org or organization(owner=user())
    by = by or Membership.objects.managing().filter(organization=org).first().user
    site = services.site_submit(
        by=by, standard_model=model, organization=org, site_name=site_name or f"제{serial() % 1000}공장",
        region=region, use_status=use, evidence=pdf("납품확인서.pdf"),
        adopted_on=adopted_on or timezone.localdate() - datetime.timedelta(days=30),
    )
    if status != "submitted":
        decider = staff(group=PROJECT_DECIDERS)
        services.site_transition(site=site, action="confirm" if status == "confirmed" else "return", by=decider,
                                 note="" if status == "confirmed" else "증빙을 보완해 주세요.")
    return site
