"""Demo running projects: every selected proposal of the closed calls became a project after its agreement, with
its consortium and KPIs from the submitted version and its report schedule; reports are in every state.

Runs after projects/demo.py; `--scale` scales it through the number of closed calls and selected proposals there.
The small demo's projects started a few weeks ago, so their first (interim) reports are not due yet by the schedule:
as staff may, the demo moves each one's interim report to a recent date, so that one is accepted, one submitted, one
sent back, one overdue, one due within a week and one later. Projects of earlier calls (larger scales) are older and
their past reports follow the same cycle by their own dates. Deterministic and idempotent: nothing is created when
projects exist already.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from delivery import services
from delivery.models import (
    Project,
    ProjectKPI,
    ProjectParticipant,
    ProjectStatusChange,
    Report,
    ReportContribution,
    ReportKPIValue,
    ReportStatusChange,
)
from members.models import Membership
from projects.choices import COUNTED_CONSENT
from projects.demo import CLOSED_TITLE, DECIDER_EMAIL, EOK
from projects.models import Proposal, Submission

R = Report.Status
# What a report whose due date has passed is, in turn; and the small demo's interim dates (days from today).
PAST_CYCLE = [R.ACCEPTED, R.ACCEPTED, R.SUBMITTED, R.CHANGES_REQUESTED, R.DUE]
INTERIM_MOVED = [(-12, R.ACCEPTED), (-9, R.SUBMITTED), (-7, R.CHANGES_REQUESTED), (-3, R.DUE), (5, R.DUE),
                 (20, R.DUE)]
DUE_AFTER_DAYS = 7
NARRATIVES = [
    "수요기업 라인에 데이터 수집 장비를 설치하고 학습용 데이터를 모았습니다. 1차 모델을 시험 적용했습니다.",
    "현장 시범 적용 결과를 분석해 모델을 개선했고, 공급기업과 표준 인터페이스를 정리했습니다.",
    "적용 범위를 두 번째 라인으로 넓히고 작업자 교육을 마쳤습니다. 확산 대상 협력사를 선정했습니다.",
]
CONTRIBUTIONS = ["현장 설비 데이터와 작업 표준서를 제공했습니다.", "AI 모델 학습과 현장 시험을 맡았습니다.",
                 "성능 평가 방법을 설계하고 결과를 검증했습니다."]
SEND_BACK = "KPI 측정 근거(측정 기간과 방법)를 첨부해 주세요."


def seed(*, rng, scale, stdout):
    if Project.objects.exists():
        stdout.write("Demo running projects already present.\n")
        return
    from django.contrib.auth import get_user_model

    decider = get_user_model().objects.filter(email=DECIDER_EMAIL).first()
    selected = list(
        Proposal.objects.selected().filter(call__closes_at__lt=timezone.now())
        .select_related("call").order_by("call__opens_at", "pk")
    )
    if not selected or decider is None:
        stdout.write("No selected proposals of closed calls: skipping running projects.\n")
        return
    today = timezone.localdate()
    latest = {}
    for submission in Submission.objects.filter(proposal__in=selected).order_by("proposal_id", "-number"):
        latest.setdefault(submission.proposal_id, submission)
    owners = dict(Membership.objects.filter(role=Membership.Role.OWNER, organization__in={p.lead_id for p in selected})
                  .order_by("joined_at").values_list("organization_id", "user_id"))

    projects = []
    for index, proposal in enumerate(selected):
        decided = timezone.localdate(proposal.decided_at) if proposal.decided_at else today
        agreed_on = min(today, decided + datetime.timedelta(days=21))
        starts_on = max(proposal.starts_on, agreed_on)
        ends_on = starts_on + (proposal.ends_on - proposal.starts_on)
        # About one agreement in three trims the government funding by 1억 원 (협약 조정).
        government = proposal.government_total - (EOK if index % 3 == 2 and proposal.government_total > EOK else 0)
        status = Project.Status.COMPLETED if ends_on < today else Project.Status.IN_PROGRESS
        if index % 17 == 11 and status == Project.Status.IN_PROGRESS:
            status = Project.Status.SUSPENDED
        projects.append(Project(
            proposal=proposal, iris_number=f"RS-{agreed_on.year}-{412_000 + index:08d}", agreed_on=agreed_on,
            starts_on=starts_on, ends_on=ends_on, government_funding=government,
            private_contribution=proposal.private_total, funding_cap=proposal.call.funding_cap, status=status,
            created_by=decider,
            created_at=datetime.datetime.combine(agreed_on, datetime.time(10), tzinfo=datetime.UTC),
        ))
    Project.objects.bulk_create(projects, batch_size=1000)

    participants, kpis, history = [], [], []
    for project in projects:
        snapshot = latest[project.proposal_id].snapshot
        participants += [
            ProjectParticipant(project=project, organization_id=p["organization"], name=p["name"], role=p["role"],
                               government_funding=p["government_funding"], private_cash=p["private_cash"],
                               private_in_kind=p["private_in_kind"])
            for p in snapshot["participants"] if p["consent"] in COUNTED_CONSENT
        ]
        kpis += [
            ProjectKPI(project=project, source_id=k["id"], indicator=k["indicator"], baseline=Decimal(k["baseline"]),
                       target=Decimal(k["target"]), unit=k["unit"], is_public=position < 2)
            for position, k in enumerate(snapshot["kpis"])
        ]
        at = project.created_at
        history.append(ProjectStatusChange(project=project, from_status="", to_status=Project.Status.IN_PROGRESS,
                                           by=decider, at=at))
        if project.status != Project.Status.IN_PROGRESS:
            history.append(ProjectStatusChange(
                project=project, from_status=Project.Status.IN_PROGRESS, to_status=project.status, by=decider,
                at=at + datetime.timedelta(days=(project.ends_on - project.starts_on).days),
                note="" if project.status == Project.Status.COMPLETED else "수요기업 설비 이전으로 잠시 중단합니다.",
            ))
    ProjectParticipant.objects.bulk_create(participants, batch_size=2000)
    ProjectKPI.objects.bulk_create(kpis, batch_size=2000)
    ProjectStatusChange.objects.bulk_create(history, batch_size=2000)

    kpis_of, partners_of = {}, {}
    for kpi in kpis:
        kpis_of.setdefault(kpi.project_id, []).append(kpi)
    for participant in participants:
        if participant.role != "lead":
            partners_of.setdefault(participant.project_id, []).append(participant)

    closed = {p.pk: place for place, p in enumerate(p for p in projects if p.proposal.call.title == CLOSED_TITLE)}
    reports, passed = [], 0
    for project in projects:
        for position, (kind, as_of, due_on) in enumerate(services.schedule(project.starts_on, project.ends_on)):
            status = R.DUE
            if position == 0 and project.pk in closed:
                days, status = INTERIM_MOVED[closed[project.pk] % len(INTERIM_MOVED)]
                due_on = today + datetime.timedelta(days=days)
                as_of = due_on - datetime.timedelta(days=DUE_AFTER_DAYS)
            elif due_on < today:
                status = R.ACCEPTED if project.status == Project.Status.COMPLETED else PAST_CYCLE[passed % 5]
                passed += 1
            reports.append(Report(project=project, kind=kind, as_of=as_of, due_on=due_on, status=status))
    Report.objects.bulk_create(reports, batch_size=2000)

    values, contributions, changes = [], [], []
    for number, report in enumerate(reports):
        if report.status == R.DUE:
            continue
        project = report.project
        lead_owner = owners.get(project.proposal.lead_id) or decider.pk
        share = Decimal(min(1, max(0.1, (report.as_of - project.starts_on).days / max(1, (project.ends_on -
                                                                                   project.starts_on).days))))
        for kpi in kpis_of.get(project.pk, []):
            value = kpi.baseline + (kpi.target - kpi.baseline) * share * Decimal(rng.randint(70, 110)) / 100
            values.append(ReportKPIValue(report=report, kpi=kpi, value=value.quantize(Decimal("0.01"))))
        for position, partner in enumerate(partners_of.get(project.pk, [])[:2]):
            contributions.append(ReportContribution(report=report, organization_id=partner.organization_id,
                                                    text=CONTRIBUTIONS[(number + position) % len(CONTRIBUTIONS)]))
        report.narrative = NARRATIVES[number % len(NARRATIVES)]
        report.submitted_by_id = lead_owner
        submitted = datetime.datetime.combine(report.due_on - datetime.timedelta(days=3), datetime.time(15),
                                              tzinfo=datetime.UTC)
        report.submitted_at = submitted
        steps = [(R.DUE, R.SUBMITTED, lead_owner, "")]
        if report.status == R.ACCEPTED:
            steps.append((R.SUBMITTED, R.ACCEPTED, decider.pk, ""))
        elif report.status == R.CHANGES_REQUESTED:
            steps.append((R.SUBMITTED, R.CHANGES_REQUESTED, decider.pk, SEND_BACK))
        if len(steps) > 1:
            report.decided_at = submitted + datetime.timedelta(days=5)
        for step, (source, target, by_id, note) in enumerate(steps):
            changes.append(ReportStatusChange(report=report, from_status=source, to_status=target, by_id=by_id,
                                              by_staff=by_id == decider.pk and step > 0, note=note,
                                              at=submitted + datetime.timedelta(days=5 * step)))
    Report.objects.bulk_update([r for r in reports if r.status != R.DUE],
                               ["narrative", "submitted_by", "submitted_at", "decided_at"], batch_size=1000)
    ReportKPIValue.objects.bulk_create(values, batch_size=2000)
    ReportContribution.objects.bulk_create(contributions, batch_size=2000)
    ReportStatusChange.objects.bulk_create(changes, batch_size=2000)
    stdout.write(f"Demo running projects: {len(projects)} projects with {len(reports)} progress reports.\n")
