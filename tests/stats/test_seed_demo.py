"""seed_demo: the same seed gives the same database, and a second run changes nothing."""

import datetime
import hashlib
import io

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.core.management import call_command

from members.models import (
    CertificateReminder,
    ChangeRequest,
    Membership,
    Organization,
    OrganizationFieldChange,
    TierCertificate,
    User,
)
from members.models import StatusChange as MembershipChange
from news.models import Article
from privacy.models import ConsentRecord
from projects.models import (
    KPI,
    Call,
    ChallengeRequest,
    ConflictDeclaration,
    ConsentChange,
    Criterion,
    FormerEmployer,
    Message,
    Objection,
    Panel,
    PanelMember,
    PanelProposal,
    Participant,
    Proposal,
    Review,
    ReviewerProfile,
    ReviewScore,
    Submission,
    SubmittedFile,
)
from projects.models import StatusChange as ProposalChange
from spread.models import AdoptionSite, StandardModel

pytestmark = pytest.mark.django_db
FROZEN = datetime.datetime(2026, 5, 4, 10, 30, tzinfo=datetime.UTC)

# Rows by natural keys and stable columns (ids, hashes of random passwords and file names vary by design).
STABLE = {
    Organization: ["business_number", "name", "kind", "tier", "institution_type", "industry__code", "status",
                   "ai_stage", "employees", "annual_revenue", "approved_at", "certificate_expires_on",
                   "listed_in_directory", "public_page", "representative", "address"],
    User: ["email", "is_staff", "first_name", "last_name"],
    Membership: ["user__email", "organization__business_number", "role"],
    MembershipChange: ["organization__business_number", "from_status", "to_status", "at", "by__email", "note"],
    ChangeRequest: ["organization__business_number", "requested_by__email", "status", "reason"],
    OrganizationFieldChange: ["organization__business_number", "field", "old_value", "new_value", "by__email"],
    Call: ["title", "opens_at", "closes_at", "expected_projects"],
    Proposal: ["title", "call__title", "lead__business_number", "status", "starts_on", "ends_on",
               "government_total", "private_cash_total", "private_in_kind_total", "submitted_at", "decided_at",
               "document_name"],
    Participant: ["proposal__title", "organization__business_number", "role", "government_funding",
                  "private_cash", "private_in_kind"],
    KPI: ["proposal__title", "indicator", "baseline", "target"],
    ProposalChange: ["proposal__title", "from_status", "to_status", "at", "by__email"],
    Submission: ["proposal__title", "number", "submitted_at", "submitted_by__email", "snapshot__proposal__title"],
    SubmittedFile: ["submission__proposal__title", "submission__number", "position", "original_name", "sha256"],
    Review: ["proposal__title", "reviewer__email", "comment", "submitted_at"],
    Panel: ["call__title", "round_name", "starts_at", "deadline", "status"],
    PanelMember: ["panel__round_name", "user__email", "is_chair"],
    PanelProposal: ["panel__round_name", "proposal__title"],
    ConflictDeclaration: ["proposal__title", "reviewer__email", "ground", "reason"],
    ChallengeRequest: ["proposal__title", "person_name", "status", "evaluator__email"],
    Objection: ["proposal__title", "status", "filed_at"],
    ReviewerProfile: ["user__email", "name", "affiliation"],
    FormerEmployer: ["profile__name", "organization__business_number", "until_year"],
    Message: ["proposal__title", "partner__business_number", "side", "author__email", "body", "created_at",
              "attachment_name"],
    ReviewScore: ["review__proposal__title", "review__reviewer__email", "criterion__code", "score"],
    Article: ["guid", "slug", "title", "status", "published_at", "category"],
    StandardModel: ["name_ko", "ai_area__code", "is_published", "created_at"],
    AdoptionSite: ["standard_model__name_ko", "organization__business_number", "site_name", "region", "adopted_on",
                   "use_status", "status", "submitted_at"],
}


def dump():
    """Row counts of every table of ours, and a checksum over the stable columns."""
    counts = {
        model._meta.label: model.objects.count()
        for config in ("members", "projects", "news", "stats", "spread")
        for model in apps.get_app_config(config).get_models()
    }
    digest = hashlib.sha256()
    for model, fields in STABLE.items():
        for row in model.objects.order_by(*fields).values_list(*fields):
            digest.update(repr(row).encode())
    return counts, digest.hexdigest()


def seed(seed=11, scale=60):
    with time_machine.travel(FROZEN, tick=False):
        call_command("seed_demo", scale=scale, seed=seed, allow_production=True, stdout=io.StringIO())


def wipe():
    """Remove everything seed_demo made (reference data from the migrations stays)."""
    # The apps above projects (running projects, standard models and sites), every table of theirs.
    above = [model for config in ("spread", "delivery")
             for model in apps.get_app_config(config).get_models(include_auto_created=True)]
    for model in (*above, Objection, ChallengeRequest, ConflictDeclaration, PanelProposal, PanelMember, Panel,
                  FormerEmployer, ReviewerProfile,
                  Message, SubmittedFile, Submission, ReviewScore, Review, ProposalChange, ConsentChange, KPI,
                  Participant,
                  Proposal.ai_areas.through, Proposal, Criterion, Call, Article, MembershipChange, ChangeRequest,
                  OrganizationFieldChange, CertificateReminder, TierCertificate, Membership, ConsentRecord,
                  EmailAddress, Authenticator, User.groups.through, User, Organization):
        model.objects.all()._raw_delete(model.objects.db)


def test_seeding_twice_gives_the_same_database():
    seed()
    first = dump()
    seed()
    assert dump() == first
    assert first[0]["members.Organization"] == 60 and first[0]["projects.Proposal"] == 30


def test_the_same_seed_on_an_empty_database_gives_the_same_rows():
    seed()
    first = dump()
    wipe()
    seed()
    assert dump() == first


def test_another_seed_gives_other_data():
    seed(seed=11)
    first = dump()
    wipe()
    seed(seed=12)
    assert dump()[1] != first[1]


def test_demo_covers_every_tier_kind_industry_and_status():
    from members.models import Industry

    seed(scale=100)
    orgs = Organization.objects.all()
    assert orgs.count() == 100
    assert set(orgs.values_list("tier", flat=True)) == {"", "large", "midsize", "sme"}
    assert set(orgs.values_list("status", flat=True)) == set(Organization.Status.values)
    assert set(orgs.values_list("industry", flat=True)) == set(Industry.objects.values_list("pk", flat=True))
    assert set(Proposal.objects.values_list("status", flat=True)) == set(Proposal.Status.values)
    assert Proposal.objects.count() == 50


def test_large_scales_spread_proposals_over_earlier_calls():
    from projects import demo

    assert demo.proposal_count(10_000) == 5_000
    assert demo.proposal_count(1) == 30


def test_the_small_demo_shows_project_pages_with_kpis_and_member_pages_with_projects(client):
    from django.urls import reverse

    with time_machine.travel(FROZEN, tick=False):
        call_command("seed_demo", seed=2024, allow_production=True, stdout=io.StringIO())
    selected = Proposal.objects.shown_publicly()
    assert selected and all(p.kpis.exists() for p in selected)
    project = selected.first()
    assert project.kpis.first().indicator in client.get(reverse("projects:project-detail", args=[project.pk])).text
    pages = Organization.objects.with_public_page()
    assert 2 <= pages.count() < Organization.objects.listed().count()  # a few members chose a page, not all
    in_projects = pages.filter(participations__proposal__in=selected).distinct()
    assert in_projects
    page = client.get(reverse("organizations:detail", args=[in_projects.first().pk])).text
    assert reverse("projects:project-detail", args=[in_projects.first().participations.filter(
        proposal__in=selected).first().proposal_id]) in page


def test_the_batches_seams_keep_every_part_of_the_demo(monkeypatch):
    """Large scales write in batches of 2,000; batches of 12 run the seams at the small demo's size (the first batch
    sets up the panels, the revised proposal and the conversations fall in later ones)."""
    from members import demo as members_demo
    from privacy import demo as privacy_demo
    from projects import demo as projects_demo
    from spread import demo as spread_demo

    seed(scale=60)
    whole = dump()[0]
    wipe()
    for module in (members_demo, projects_demo, spread_demo, privacy_demo):
        monkeypatch.setattr(module, "BATCH", 12)
    seed(scale=60)
    counts = dump()[0]
    same = ["members.Organization", "members.Membership", "members.StatusChange", "members.User",
            "projects.Proposal", "projects.KPI", "projects.Submission", "projects.PanelProposal", "projects.Message",
            "projects.Objection", "projects.ChallengeRequest", "spread.AdoptionSite"]
    assert {label: counts[label] for label in same} == {label: whole[label] for label in same}
    sent = Proposal.objects.exclude(status=Proposal.Status.DRAFT)
    assert not sent.filter(submissions__isnull=True).exists()
    assert Submission.objects.filter(number=2).count() == 1
    reviewed = Proposal.objects.filter(status__in=["under_review", "selected", "rejected"])
    assert reviewed.exists() and not reviewed.filter(average_score__isnull=True).exists()
    assert ConsentRecord.objects.filter(kind="terms").count() == User.objects.count()
