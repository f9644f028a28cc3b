"""People and data the browser journeys start from, built in code.

The browser tests run against `live_server` in real transactions; serialized_rollback brings back
the reference rows seeded by migrations (industries, AI areas, staff groups) that a transactional
test's flush would otherwise remove.
"""

import contextlib
import datetime
from types import SimpleNamespace

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from members.models import Membership, Organization
from news import services as news
from news.models import Article, Category
from privacy.models import PolicyVersion
from projects.models import Proposal
from tests import personas
from tests.browser.helpers import DESKTOP, PASSWORD, PHONE

# The browser fixture (tests/conftest.py) runs each test at desktop and phone size; these pin one.
desktop_only = pytest.mark.parametrize("browser", [DESKTOP], indirect=True, ids=["desktop"])
phone_only = pytest.mark.parametrize("browser", [PHONE], indirect=True, ids=["phone"])


@pytest.fixture
def staff_member(db):
    """A staff member in one staff group, with an authenticator app: returns (user, TOTP secret)."""

    def make(email, group):
        user = personas.staff(email, group=group, mfa=False, password=PASSWORD)
        return user, personas.activate_totp(user)

    return make


@pytest.fixture
def open_call(db):
    """A call that opened ten days ago and closes in twenty, capped at 100억 원, with the five criteria."""
    return personas.call(title="2026년 AI 자율제조 선도 프로젝트 공모")


@pytest.fixture
def company_owner(db):
    """An owner of an approved mid-sized company: returns the user."""

    def make(email="owner@hanbit.example", name="한빛정밀"):
        org = personas.organization(name, tier=Organization.Tier.MIDSIZE)
        return personas.member(org, Membership.Role.OWNER, email, password=PASSWORD)

    return make


@pytest.fixture
def portal_world(make_user, company_owner, open_call):
    """Something on every page: published news, an open and a closed call with a selected project,
    listed members, and a company whose owner has a proposal in draft; plus a signed-up person with
    no organisation yet (the registration form)."""
    now = timezone.now()
    articles = []
    for days, title, category in ((3, "AI 자율제조 얼라이언스 출범", Category.PRESS_RELEASE),
                                  (1, "2026년 선도 프로젝트 공모 안내", Category.NOTICE)):
        article = news.article_save(article=Article(
            title=title, category=category, summary=f"{title}: 요약입니다.",
            body="## 주요 내용\n\n153개 기업과 기관이 **12개 업종**에서 참여합니다.\n\n- 첫째\n- 둘째\n",
            source_name="산업통상자원부", source_url="https://www.motie.go.kr/",
        ))
        news.article_publish(article=article, by=None, at=now - datetime.timedelta(days=days))
        articles.append(article)

    owner = company_owner()
    lead = owner.membership.organization
    # A corporation's 법인등록번호, so /my/ shows it to the checker and the audit.
    Organization.objects.filter(pk=lead.pk).update(corporate_number="1101110062432")
    partner = personas.organization("새봄부품", tier=Organization.Tier.SME)
    personas.organization("한국생산기술연구소", kind=Organization.Kind.INSTITUTION)
    draft = personas.ready_proposal(open_call, lead=lead, partner=partner, title="협력사 연계 AI 불량 검출 라인")
    closed = personas.call(opens=-120, closes=-60, title="2025년 선도 프로젝트 공모")
    # The selected project's lead chose a public page of its own.
    selected = personas.ready_proposal(
        closed, lead=personas.organization("대한중공업", tier=Organization.Tier.LARGE, public_page=True),
        partner=partner, status=Proposal.Status.SELECTED, title="조선 용접 공정 AI 최적화",
    )
    newcomer = make_user("newcomer@example.com", password=PASSWORD)
    return SimpleNamespace(
        articles=articles, call=open_call, closed_call=closed, owner=owner, proposal=draft, newcomer=newcomer,
        selected=selected,
    )


def public_paths(world):
    """Every public page, in the order of the menu; /stats/ joins once the figures page exists."""
    paths = ["/", "/news/", world.articles[0].get_absolute_url(), "/projects/",
             f"/projects/calls/{world.call.pk}/", reverse("projects:project-detail", args=[world.selected.pk]),
             "/members/", reverse("organizations:detail", args=[world.selected.lead_id])]
    with contextlib.suppress(NoReverseMatch):
        paths.append(reverse("stats:dashboard"))
    return paths + ["/accounts/login/", "/accounts/signup/"]


def company_paths(world):
    """The pages of a company's owner (the registration form is the newcomer's)."""
    pk = world.proposal.pk
    search = reverse("my-proposals:organization-search")
    return ["/my/", "/my/proposals/", f"/my/proposals/new/{world.call.pk}/", f"/my/proposals/{pk}/",
            f"/my/proposals/{pk}/edit/", f"{search}?proposal={pk}&q=%EC%83%88%EB%B4%84",  # the search step: 새봄
            reverse("my-proposals:messages", args=[pk])]


@pytest.fixture
def audit_world(portal_world):
    """portal_world plus what the admin's pages show: a superuser with an authenticator, a submitted
    proposal (the workflow's confirmation page, the score page) and a mail that failed; and both certificate
    banners on /my/ (the owner's expiring, the partner's owner's lapsed)."""
    from jobs.models import OutgoingMail

    world = portal_world
    world.staff = personas.staff("audit-staff@ministry.example", is_superuser=True)
    world.submitted = personas.ready_proposal(
        world.call, lead=personas.organization("가온로보틱스", tier=Organization.Tier.LARGE),
        status=Proposal.Status.SUBMITTED, title="물류 로봇 군집 제어 AI",
    )
    # The superuser chairs its review panel and has declared no conflict, so the score page opens (issue 16).
    personas.panel(world.call, chair=world.staff, proposals=[world.submitted])
    personas.declare(world.staff, world.submitted)
    # The owner's company after approval: a detail changed, a change request waiting, a renewed certificate.
    from members import services as members

    company = world.owner.membership.organization
    world.colleague = personas.member(company, email="colleague@audit.example")  # the role and removal pages
    members.organization_change(organization=company, by=world.owner, values={"contact_name": "이담당"})
    world.change_request = members.organization_change(
        organization=company, by=world.owner, values={"representative": "박새대표"}, reason="대표이사 변경")
    world.certificate = members.certificate_renew(
        organization=company, by=world.owner, file=personas.pdf("2027 중견기업확인서.pdf"), number="0000-2027-00001",
        valid_until=personas.certificate_valid_until(), tier=company.tier)
    # A running project of the owner's company with the partner (issue 17): its first report accepted with a public
    # KPI's value (the public page's progress), the next one open for the lead's form and the partner's part.
    world.running = _running(world.call, lead=company, partner=world.proposal.participants.exclude(
        organization=world.proposal.lead_id).get().organization, owner=world.owner, staff=world.staff)
    # /my/ with each certificate banner: the owner's certificate runs out in 20 days (a warning); the partner's
    # lapsed last week (an error, and a problem on the draft proposal it is named in).
    today = timezone.localdate()
    Organization.objects.filter(pk=world.owner.membership.organization_id).update(
        certificate_expires_on=today + datetime.timedelta(days=20))
    partner = world.proposal.participants.exclude(organization=world.proposal.lead_id).get().organization
    Organization.objects.filter(pk=partner.pk).update(certificate_expires_on=today - datetime.timedelta(days=7))
    world.partner_owner = personas.member(partner, Membership.Role.OWNER, "owner@saebom.example", password=PASSWORD)
    # The partner has not confirmed its part yet: its pages show the request with the answers to give.
    world.proposal.participants.filter(organization=partner).update(consent="pending")
    # A proposal of the owner's company that went round the changes-requested loop: its submitted versions.
    world.revised = _revised(world.call, lead=company, by=world.owner, decider=world.staff)
    # A conversation on the draft: staff's question, the owner's answer with an attachment, the partner's question.
    from projects.models import Message
    from projects.services import message_post

    message_post(proposal=world.proposal, author=world.staff, side=Message.Side.STAFF,
                 body="수요기업의 현장 데이터 확보 계획을 알려 주세요.")
    message_post(proposal=world.proposal, author=world.owner, side=Message.Side.APPLICANT,
                 body="도장 라인에서 6개월간 수집합니다.\n계획서를 첨부합니다.",
                 attachment=personas.pdf("수집계획.pdf"))
    message_post(proposal=world.proposal, author=world.partner_owner, side=Message.Side.APPLICANT, partner=partner,
                 body="저희 현물 부담분에 설비 사용료를 넣어도 되나요?")
    # An account that never agreed to the terms (made by staff): the page that asks for consent.
    world.unconsented = personas.user("unconsented@example.com", password=PASSWORD, consented=False)
    # A dormant account (privacy.dormancy), for the page its mailed link opens; and the owner's data export, ready.
    from privacy import dormancy, exports
    from privacy.models import DataExport

    sleeper = personas.user("sleeper@example.com", password=PASSWORD)
    type(sleeper).objects.filter(pk=sleeper.pk).update(last_login=timezone.now() - datetime.timedelta(days=800))
    dormancy.account_separate(user_id=sleeper.pk)
    world.dormant_token = dormancy.restore_token(sleeper.dormant_account)
    exports.export_build(export_id=DataExport.objects.create(user=world.owner).pk)
    world.mail = OutgoingMail.objects.create(
        recipients=["owner@hanbit.example"], subject="[AI 자율제조 얼라이언스] 제안서가 접수되었습니다", body="",
        status=OutgoingMail.Status.FAILED, attempts=3, last_error="SMTP 421",
    )
    _standard_model(world, company, partner)
    return world


def _running(call, *, lead, partner, owner, staff):
    from decimal import Decimal

    from delivery import services

    proposal = personas.selected_proposal(call, lead=lead, partner=partner, owner=owner, decider=staff,
                                          title="협력사 연계 AI 설비 예지보전")
    project = personas.running_project(proposal, by=staff)
    kpi = project.kpis.get()
    services.kpi_set_public(kpi=kpi, is_public=True, by=staff)
    first = project.reports.order_by("due_on").first()
    services.report_save(report=first, by=owner, narrative="1차 현장 적용을 마쳤습니다.",
                         values={kpi.pk: Decimal(106)}, document=personas.pdf("중간보고서.pdf"))
    services.report_transition(report=first, action="submit", by=owner)
    services.report_transition(report=first, action="accept", by=staff)
    project.open_report = project.reports.order_by("due_on")[1]
    project.accepted_report = first
    return project


def _standard_model(world, company, partner):
    """Issue 17: a published standard model from the running project, supplied by the owner's company, with a public
    document; the partner's site running it (reported by the owner, confirmed) and another site waiting."""
    from spread.models import StandardModelDocument

    world.standard_model = personas.standard_model(world.running, suppliers=[company],
                                                   industries=("machinery", "shipbuilding"))
    document = StandardModelDocument(standard_model=world.standard_model, title="도입 안내서",
                                     original_name="안내서.pdf")
    document.file.save("안내서.pdf", personas.pdf("안내서.pdf"), save=False)
    document.save()
    world.site = personas.adoption_site(world.standard_model, partner, by=world.owner, region="gyeongnam",
                                        site_name="창원 1공장")
    personas.adoption_site(world.standard_model, company, by=world.owner, status="submitted", site_name="본사 공장")


def _revised(call, *, lead, by, decider):
    """A proposal submitted, sent back for changes and submitted again with a higher target: two versions."""
    from projects import services

    proposal = personas.ready_proposal(call, lead=lead, partner=personas.organization("다온부품"),
                                       title="스마트 도장 라인 AI 품질 예측")
    services.proposal_submit(proposal=proposal, by=by)
    services.proposal_request_changes(proposal=proposal, by=decider, note="성과지표의 목표를 다시 살펴 주세요.")
    proposal.kpis.update(target=130)
    proposal.refresh_from_db()
    return services.proposal_submit(proposal=proposal, by=by)


# The error pages, reached as a visitor reaches them (tests/portal/fault_urls.py adds the failing views).
ERROR_PATHS = ["/faults/bad-request", "/faults/forbidden", "/faults/csrf", "/no-such-page/", "/faults/rate-limited",
               "/faults/fail", "/faults/database-gone"]
ERROR_STATUS = dict(zip(ERROR_PATHS, (400, 403, 403, 404, 429, 500, 503), strict=True))


def audited_pages(world):
    """Every page the HTML checker and the accessibility audit look at, as (who, path): who is None for an
    anonymous visitor, else the name of a person in `world` (audit_world). Forms showing their errors are
    reached by posting, in each audit."""
    pk, submitted = world.proposal.pk, world.submitted.pk
    public = public_paths(world) + ["/privacy/", "/terms/", "/contact/", "/accounts/password/reset/",
                                    reverse("privacy:policy", args=["collection"]),
                                    reverse("privacy:policy-version", args=["mailing", 1]),
                                    reverse("privacy:dormant"),
                                    reverse("privacy:dormant-restore", args=[world.dormant_token])]
    owner = company_paths(world) + [reverse("my:edit"), reverse("my:certificate")] + [
        "/accounts/email/", "/accounts/password/change/", "/accounts/2fa/", "/accounts/2fa/totp/activate/",
        "/accounts/reauthenticate/", reverse("privacy:consents"), reverse("privacy:data"), reverse("privacy:delete"),
        # passkeys (allauth's WebAuthn pages) and the submit page re-authentication leads to (portal.reauth)
        reverse("mfa_list_webauthn"), reverse("mfa_add_webauthn"), reverse("my-proposals:submit", args=[pk]),
    ]
    owner += [f"{reverse('my:person-role', args=[world.colleague.membership.pk])}?role=owner",
              reverse("my:person-remove", args=[world.colleague.membership.pk])]
    staff = ["/admin/"]
    for changelist, obj in (("members/organization", world.proposal.lead_id), ("projects/proposal", pk),
                            ("news/article", world.articles[0].pk), ("jobs/outgoingmail", world.mail.pk)):
        staff += [f"/admin/{changelist}/", f"/admin/{changelist}/{obj}/change/"]
    for changelist, obj in (("members/changerequest", world.change_request.pk),
                            ("members/tiercertificate", world.certificate.pk)):
        staff += [f"/admin/{changelist}/", f"/admin/{changelist}/{obj}/change/"]
    staff.append(reverse("admin:projects_proposal_score", args=[submitted]))
    revised = world.revised.pk
    owner += [reverse("my-proposals:submissions", args=[revised]),
              reverse("my-proposals:submission", args=[revised, 2])]
    staff.append(reverse("admin:projects_proposal_submission", args=[revised, 2]))
    staff.append(reverse("admin:projects_proposal_messages", args=[pk]))
    # a decision's confirmation page as a GET, where an old sign-in is sent (portal.reauth); the second-factor
    # re-authentication page
    staff.append(f"{reverse('admin:projects_proposal_workflow')}?step=start_review&ids={submitted}")
    staff.append(reverse("mfa_reauthenticate"))
    staff.append(reverse("admin:projects_proposal_changelist") + "?messages=waiting")
    running, report = world.running, world.running.open_report
    public.append(reverse("projects:project-detail", args=[running.proposal_id]))
    owner += [reverse("my-projects:list"), reverse("my-projects:detail", args=[running.pk]),
              reverse("my-projects:report", args=[running.pk, report.pk]),
              reverse("my-projects:report", args=[running.pk, running.accepted_report.pk])]
    staff += ["/admin/delivery/project/", f"/admin/delivery/project/{running.pk}/change/",
              "/admin/delivery/project/add/", "/admin/delivery/report/",
              f"/admin/delivery/report/{running.accepted_report.pk}/change/"]
    # Standard models and adoption sites (issue 17).
    model, site = world.standard_model.pk, world.site.pk
    public += [reverse("spread:catalogue"), reverse("spread:detail", args=[model])]
    owner += [reverse("my-sites:list"), reverse("my-sites:create"), reverse("my-sites:edit", args=[site])]
    staff += ["/admin/spread/standardmodel/", f"/admin/spread/standardmodel/{model}/change/",
              "/admin/spread/adoptionsite/", f"/admin/spread/adoptionsite/{site}/change/"]
    policy = PolicyVersion.objects.get(kind="privacy", number=1)
    staff += ["/admin/privacy/policyversion/", f"/admin/privacy/policyversion/{policy.pk}/change/",
              "/admin/privacy/policyversion/add/?kind=terms", "/admin/portal/accessrecord/",
              "/admin/privacy/consentrecord/", "/admin/privacy/erasure/"]
    return ([(None, path) for path in public + ERROR_PATHS] + [("newcomer", "/members/register/")]
            + [("owner", path) for path in owner] + [("partner_owner", path) for path in partner_paths(world)]
            + [("staff", path) for path in staff] + [("unconsented", reverse("privacy:renew"))])


def partner_paths(world):
    """A partner's pages: its /my/ with the link to its requests, the requests, the proposal as a partner sees it,
    its own line's form."""
    pk = world.proposal.pk
    running = world.running
    return ["/my/", reverse("my-proposals:requests"), reverse("my-proposals:detail", args=[pk]),
            reverse("my-proposals:part", args=[pk]), reverse("my-proposals:part-messages", args=[pk]),
            reverse("my-projects:report", args=[running.pk, running.open_report.pk])]
