"""The small world every security test runs in: companies, their people, staff, and one of every object.

Built with the apps' own models and services, in code. Company A (한빛정밀) is the one whose
data everybody tries to reach; company B is an outsider; company C takes part in A's
proposal. Every staff persona has an authenticator (TOTP), except `staff_no_mfa`.
"""

import datetime
import io
from types import SimpleNamespace

from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.core.files.base import ContentFile
from django.utils import timezone
from django_tasks import task

from members.models import Membership, Organization
from tests import personas
from tests.personas import PASSWORD, PDF_BYTES  # noqa: F401  (imported by the tests)

STAFF_GROUPS = {
    "membership_reviewer": personas.MEMBERSHIP_REVIEWERS,
    "project_reviewer": personas.PROJECT_REVIEWERS,
    "project_decider": personas.PROJECT_DECIDERS,
    "news_editor": personas.NEWS_EDITORS,
    "plain_staff": None,
}

# The people who knock on every door, in the order the access matrix lists them.
PERSONAS = (
    "anonymous",
    "newcomer",  # signed in, no organisation yet
    "outsider",  # owner of company B
    "participant",  # owner of company C, a partner in A's proposal
    "owner",  # owner of company A (the lead)
    "member",  # plain member (not a manager) of company A
    "staff_no_mfa",
    *STAFF_GROUPS,
    "superuser",
)


def user(email, *, staff=False, superuser=False, group=None, mfa=False):
    if staff or superuser:
        return personas.staff(email, group=group, mfa=mfa, is_superuser=superuser)
    return personas.user(email)


def organization(name, *, owner, tier=Organization.Tier.SME, status=Organization.Status.APPROVED):
    # Every company here holds a certificate, so each one's private download has a file behind it.
    return personas.organization(name, owner=owner, tier=tier, status=status, certificate=True)


def png_bytes(size=(400, 300)):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(buffer, format="PNG")
    return buffer.getvalue()


class World(SimpleNamespace):
    def person(self, persona):
        return None if persona == "anonymous" else getattr(self, persona)

    def admin_object(self, model):
        """The object an admin URL of `model` points at: company A's where there is a choice."""
        assert model is not None, "an admin object URL whose model could not be found"
        preferred = self.admin_objects.get(model._meta.label_lower)
        if preferred is not None:
            return preferred
        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, f"the security world has no {model._meta.label}: add one in tests/security/world.py"
        return obj

    def view_on_site_kwargs(self):
        from django.contrib.contenttypes.models import ContentType

        return {"content_type_id": ContentType.objects.get_for_model(self.article).pk, "object_id": self.article.pk}


@task
def queued_for_the_world():
    """Does nothing: it stands for any queued background task."""


def build_world() -> World:
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str
    from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken

    from members import services as member_services
    from news.models import Article, Category, Status
    from news.services import article_save

    w = World()
    w.newcomer = user("newcomer@example.com")
    w.owner = user("owner@hanbit.example")
    w.member = user("member@hanbit.example")
    w.outsider = user("owner@nuri.example")
    w.participant = user("owner@daehan.example")
    w.staff_no_mfa = user("staff-no-mfa@ministry.example", staff=True)
    for persona, group in STAFF_GROUPS.items():
        setattr(w, persona, user(f"{persona.replace('_', '-')}@ministry.example", staff=True, group=group, mfa=True))
    w.superuser = user("super@ministry.example", superuser=True, mfa=True)
    w.passkey, _key = personas.passkey(w.superuser)  # beside the superuser's TOTP

    w.org_a = organization("한빛정밀", owner=w.owner, tier=Organization.Tier.LARGE)
    w.member_a_membership = Membership.objects.create(
        user=w.member, organization=w.org_a, role=Membership.Role.MEMBER
    )
    w.member_a = w.member
    # A third person at A, whom the role and removal URLs point at (acting on oneself is leaving).
    w.colleague_membership = Membership.objects.create(
        user=user("colleague@hanbit.example"), organization=w.org_a, role=Membership.Role.MEMBER
    )
    w.org_b = organization("누리소재", owner=w.outsider)
    w.org_c = organization("대한부품", owner=w.participant)

    # A's change request waiting for the secretariat, and a renewed certificate (the earlier one in the history).
    w.change_request = member_services.organization_change(
        organization=w.org_a, by=w.owner, values={"representative": "박새대표"}, reason="대표이사 변경",
    )
    w.certificate = member_services.certificate_renew(
        organization=w.org_a, by=w.owner, file=personas.pdf("확인서.pdf"), number="0002-2027-01",
        valid_until=timezone.localdate() + datetime.timedelta(days=300), tier=Organization.Tier.LARGE,
    )
    w.org_a.refresh_from_db()

    w.invitation, w.invitation_token = member_services.invitation_create(
        organization=w.org_a, email="colleague@example.com", by=w.owner
    )

    article = Article(
        title="AI 자율제조 얼라이언스 출범",
        summary="요약",
        body="본문 **굵게**",
        category=Category.PRESS_RELEASE,
        status=Status.PUBLISHED,
        published_at=timezone.now() - datetime.timedelta(hours=1),
    )
    article.cover.save("cover.png", ContentFile(png_bytes()), save=False)
    w.article = article_save(article=article, by=w.news_editor)

    # An address waiting for confirmation, and a password-reset link, for allauth's keyed URLs.
    pending = EmailAddress.objects.create(user=w.newcomer, email="second@example.com", verified=False)
    w.email_confirmation_key = EmailConfirmationHMAC(pending).key
    w.reset_uidb36 = user_pk_to_url_str(w.newcomer)
    w.reset_key = default_token_generator.make_token(w.newcomer)

    # Social login rows, so the admin's pages for them have an object to show.
    app = SocialApp.objects.create(provider="kakao", name="Kakao", client_id="id", secret="secret")
    # (on a user of its own: with no provider configured, that user's own pages cannot show it)
    account = SocialAccount.objects.create(user=user("social@example.com"), provider="kakao", uid="12345")
    SocialToken.objects.create(app=app, account=account, token="token")

    _projects(w)
    _review_panels(w)
    _running_project(w)
    _spread(w)
    # A background task waiting in the queue, so that the admin's task pages have an object.
    queued_for_the_world.enqueue()
    # Somebody read A's proof of tier: an access record for the admin's record pages.
    from django.contrib.contenttypes.models import ContentType

    from portal.models import AccessRecord

    AccessRecord.objects.create(
        at=timezone.now(), by=w.membership_reviewer, by_email=w.membership_reviewer.email, ip_address="192.0.2.10",
        action=AccessRecord.Action.DOWNLOAD, content_type=ContentType.objects.get_for_model(w.org_a),
        object_id=str(w.org_a.pk), object_repr=str(w.org_a), what="tier_proof", path="/members/1/tier-proof/",
    )

    _rights(w)

    w.admin_objects = {
        "members.organization": w.org_a,
        "members.user": w.member,
        "members.membership": w.member_a_membership,
        "members.invitation": w.invitation,
        "members.changerequest": w.change_request,
        "members.tiercertificate": w.certificate,
        "news.article": w.article,
        "projects.call": w.call,
        "projects.proposal": w.proposal,
        "delivery.project": w.running,
        "delivery.report": w.report,
        "projects.message": w.message,
        "projects.panel": w.panel,
        "projects.reviewerprofile": w.reviewer_profile,
        "projects.challengerequest": w.challenge,
        "projects.objection": w.objection,
        "spread.standardmodel": w.standard_model,
        "spread.adoptionsite": w.adoption_site,
    }
    return w


def _rights(w):
    """The person's rights: A's owner's data export, ready; an erased account; a dormant one waiting to come back."""
    from privacy import dormancy, exports, rights
    from privacy.models import DataExport

    export = DataExport.objects.create(user=w.owner)
    exports.export_build(export_id=export.pk)
    w.export_token = exports.export_token(export)
    rights.person_erase(user=user("erased@example.com"))
    sleeper = user("sleeper@example.com")
    type(sleeper).objects.filter(pk=sleeper.pk).update(last_login=timezone.now() - datetime.timedelta(days=800))
    dormancy.account_separate(user_id=sleeper.pk)
    w.dormant_token = dormancy.restore_token(sleeper.dormant_account)


def _projects(w):
    """A call open now, and company A's draft proposal with company C as demand company."""
    from projects import services
    from projects.models import KPI, Annex, Message, Participant, Proposal, Review
    from projects.services import message_post

    w.call = personas.call()
    w.proposal = personas.proposal(w.call, w.org_a, title="AI 불량 검출 라인")
    w.proposal.created_by = w.owner
    personas.participant(w.proposal, w.org_a, Participant.Role.LEAD, gov=1_000_000_000, cash=200_000_000,
                          kind=800_000_000)
    personas.participant(w.proposal, w.org_c, Participant.Role.DEMAND_COMPANY, gov=1_500_000_000,
                          cash=500_000_000)
    KPI.objects.create(proposal=w.proposal, indicator="생산성", baseline=100, target=120, unit="%")
    w.proposal.document.save("사업계획서.pdf", ContentFile(PDF_BYTES), save=False)
    w.proposal.document_name = "사업계획서.pdf"
    w.proposal.recompute_totals()
    w.proposal.save()
    w.annex = Annex(proposal=w.proposal, original_name="부록.pdf", uploaded_by=w.owner)
    w.annex.file.save("부록.pdf", ContentFile(PDF_BYTES), save=False)
    w.annex.save()
    # A's second proposal with C, submitted, sent back for changes and submitted again: its submitted versions.
    w.revised = personas.ready_proposal(w.call, lead=w.org_a, partner=w.org_c, title="AI 설비 예지보전")
    services.proposal_submit(proposal=w.revised, by=w.owner)
    services.proposal_request_changes(proposal=w.revised, by=w.project_decider, note="예산 근거를 보완해 주세요.")
    services.proposal_submit(proposal=w.revised, by=w.owner)
    # Company B's own proposal, under the same call: nobody from A or C may reach it.
    w.other_proposal = personas.proposal(w.call, w.org_b, title="다른 회사의 제안")
    w.review = Review.objects.create(proposal=w.proposal, reviewer=w.project_reviewer, comment="검토 의견")
    # A's conversation with the alliance: a decider's question, the owner's answer with an attachment (the one the
    # attachment URL points at), and C's question about its own part, which A reads and other partners would not.
    message_post(proposal=w.proposal, author=w.project_decider, side=Message.Side.STAFF,
                 body="수요기업 현장 데이터 확보 계획을 알려 주세요.")
    w.message = message_post(proposal=w.proposal, author=w.owner, side=Message.Side.APPLICANT,
                             body="계획을 첨부합니다.", attachment=personas.pdf("데이터계획.pdf"))
    w.part_message = message_post(proposal=w.proposal, author=w.participant, side=Message.Side.APPLICANT,
                                  body="저희 몫의 현금 비율을 확인해 주세요.", partner=w.org_c,
                                  attachment=personas.pdf("현금계획.pdf"))
    # A past call that selected company B's project, with company C as demand company; C chose a public page.
    w.past_call = personas.call(opens=-90, closes=-30, title="지난 공모")
    w.selected_proposal = personas.ready_proposal(
        w.past_call, lead=w.org_b, partner=w.org_c, status=Proposal.Status.SELECTED, title="선정된 과제",
    )
    Organization.objects.filter(pk=w.org_c.pk).update(public_page=True)
    w.org_c.public_page = True


def _running_project(w):
    """Company A's running project with company C (issue 17): selected through the real steps, made a project by the
    decider; its first report drafted by A's owner with a document, open for C's part."""
    from decimal import Decimal

    from delivery import services as delivery_services

    prop = personas.selected_proposal(w.call, lead=w.org_a, partner=w.org_c, owner=w.owner, decider=w.project_decider,
                                      title="진행 중인 AI 공정 최적화")
    w.running = personas.running_project(prop, by=w.project_decider)
    w.report = w.running.reports.order_by("due_on").first()
    delivery_services.report_save(report=w.report, by=w.owner, narrative="1차 진행 보고",
                                  values={w.running.kpis.get().pk: Decimal("105")},
                                  document=personas.pdf("진행보고서.pdf"))


def _review_panels(w):
    """A panel of the open call on which the project reviewer sits (as chair) with another proposal, submitted, that
    they have not declared for yet; a 기피 request on it; company A's objection to the result of its rejected proposal
    in the past call.
    Company A's draft is on no panel: the project reviewer may not reach it."""
    from projects.models import ChallengeRequest, Objection, Proposal, ReviewerProfile

    w.panel_proposal = personas.ready_proposal(w.call, status=Proposal.Status.SUBMITTED, title="평가 중인 제안")
    w.panel = personas.panel(w.call, chair=w.project_reviewer, proposals=[w.panel_proposal], starts=1, deadline=10)
    w.reviewer_profile = ReviewerProfile.objects.create(user=w.project_reviewer, name="이심사", affiliation="산업부")
    w.challenge = ChallengeRequest.objects.create(
        proposal=w.panel_proposal, person_name="박평가", reason="경쟁 과제에 참여하고 있습니다.", filed_by=w.owner,
    )
    w.rejected_proposal = personas.ready_proposal(w.past_call, lead=w.org_a, status=Proposal.Status.REJECTED,
                                                  title="탈락한 과제")
    w.objection = Objection(proposal=w.rejected_proposal, reason="평가 근거를 다시 보아 주십시오.", filed_by=w.owner,
                            document_name="이의신청서.pdf")
    w.objection.document.save("이의신청서.pdf", ContentFile(PDF_BYTES), save=False)
    w.objection.save()


def _spread(w):
    """A published standard model from A's running project, supplied by company A, with a public document;
    company C's site running it, reported by A's owner and confirmed."""
    from spread.models import StandardModelDocument

    w.standard_model = personas.standard_model(w.running, suppliers=[w.org_a])
    w.standard_model_document = StandardModelDocument(standard_model=w.standard_model, title="도입 안내서",
                                                      original_name="안내서.pdf")
    w.standard_model_document.file.save("안내서.pdf", ContentFile(PDF_BYTES), save=False)
    w.standard_model_document.save()
    w.adoption_site = personas.adoption_site(w.standard_model, w.org_c, by=w.owner)
