"""Demo lead projects: calls (one open, the others closed with selected projects) and proposals in every
state, with consortia of approved demo organisations, budgets within the rules, KPIs, scores and histories.

The small demo has two calls and 30 proposals; `--scale N` (N organisations) gives N/2 proposals, spread
over up to four closed calls and the open one. Runs after members/demo.py. Everything comes from the rng,
so a run is deterministic; calls that already have proposals are left alone, so running again creates
nothing new. Rows go in with bulk_create and every proposal points to one stored demo document.

Proposals go in batches (BATCH), each with its consortia, KPIs, histories, submitted versions and reviews, reading
the organisations it drew per batch: time grows with the scale and memory does not.
"""

import datetime
import hashlib
from array import array
from itertools import islice

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from members.models import Industry, Membership, Organization, group_expression
from portal.demo import analyze, ensure_mfa, ensure_user, organisation_count, progress
from portal.files import PrivateUploadTo
from projects import revisions, services
from projects.models import (
    KPI,
    AIArea,
    Call,
    ChallengeRequest,
    ConflictDeclaration,
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
    StatusChange,
    Submission,
    SubmittedFile,
    unanswered,
)

REVIEWER_EMAILS = ["project-reviewer@alliance.example", "project-reviewer2@alliance.example"]
DECIDER_EMAIL = "project-decider@alliance.example"
CLOSED_TITLE = "2026년 AI 자율제조 선도 프로젝트 1차 공모"
OPEN_TITLE = "2026년 AI 자율제조 선도 프로젝트 2차 공모"
# Earlier closed calls, added at larger scales: (title, days before now that the call opened).
EARLIER_CALLS = [
    ("2025년 AI 자율제조 선도 프로젝트 2차 공모", 330),
    ("2025년 AI 자율제조 선도 프로젝트 1차 공모", 510),
    ("2024년 AI 자율제조 선도 프로젝트 2차 공모", 690),
]
SMALL_PROPOSALS = 30
# Proposals built and written at a time (with all that hangs off them): the seeder's memory is that of one batch.
BATCH = 2000
PROPOSALS_PER_EARLIER_CALL = 1500
EOK = 100_000_000
PDF = b"%PDF-1.4\n% demo proposal\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

S = Proposal.Status
# Out of every 30 proposals: 11 in closed calls, 19 in the open one.
CLOSED_MIX = [S.SELECTED] * 6 + [S.REJECTED] * 4 + [S.WITHDRAWN]
OPEN_MIX = [S.DRAFT] * 5 + [S.SUBMITTED] * 5 + [S.UNDER_REVIEW] * 4 + [S.CHANGES_REQUESTED] * 3 + [S.WITHDRAWN] * 2
PATHS = {
    S.DRAFT: [],
    S.SUBMITTED: [S.SUBMITTED],
    S.UNDER_REVIEW: [S.SUBMITTED, S.UNDER_REVIEW],
    S.CHANGES_REQUESTED: [S.SUBMITTED, S.CHANGES_REQUESTED],
    S.SELECTED: [S.SUBMITTED, S.UNDER_REVIEW, S.SELECTED],
    S.REJECTED: [S.SUBMITTED, S.UNDER_REVIEW, S.REJECTED],
    S.WITHDRAWN: [S.SUBMITTED, S.WITHDRAWN],
}
STAFF_STEPS = {S.UNDER_REVIEW, S.CHANGES_REQUESTED, S.SELECTED, S.REJECTED}
# One proposal of the open call went round the changes-requested loop: sent, sent back, sent again with more.
REVISED_PATH = [S.SUBMITTED, S.CHANGES_REQUESTED, S.SUBMITTED]
DATA_PLAN = " 수요기업 현장의 설비 데이터는 1차년도에 수집 장비를 설치해 매일 모으고, 2차년도부터 모델 학습에 씁니다."
NOTES = {
    S.CHANGES_REQUESTED: "수요기업의 현장 데이터 확보 계획을 구체적으로 보완해 주세요.",
    S.SELECTED: "선정을 축하합니다. 협약 안내는 별도로 드립니다.",
    S.REJECTED: "확산 계획과 예산 근거가 부족하다는 평가를 받았습니다.",
    S.WITHDRAWN: "내부 사정으로 이번 공모에서는 철회합니다.",
}
TOPICS = [
    ("AI 비전 불량 검출", "defect-detection"), ("설비 고장 예측 정비", "failure-prediction"),
    ("실시간 설비 모니터링", "equipment-monitoring"), ("공정 조건 최적화", "process-optimisation"),
    ("에너지·탄소 저감 제어", "energy-carbon"), ("작업자 안전 관제", "safety"),
    ("자율 물류 이송", "logistics-automation"),
]
PLACES = ["도장 라인", "사출 공정", "용접 셀", "조립 라인", "열처리 공정", "프레스 라인", "검사 공정"]
KPIS = [("생산성", 100, 125, "%"), ("불량률", "3.2", "1.5", "%"), ("설비 가동률", 82, 92, "%"),
        ("에너지 사용량", 100, 85, "%"), ("리드타임", 14, 10, "일")]


def seed(*, rng, scale, stdout):
    reviewers = [ensure_user(email, is_staff=True, groups=["Project reviewers"]) for email in REVIEWER_EMAILS]
    decider = ensure_user(DECIDER_EMAIL, is_staff=True, groups=["Project deciders"])
    evaluators = [ensure_user(email, is_staff=True, groups=["Project reviewers"]) for email, *_ in EVALUATORS]
    for user in (*reviewers, decider, *evaluators):
        ensure_mfa(user)

    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    closed, _ = Call.objects.get_or_create(title=CLOSED_TITLE, defaults={
        "description": "AI 자율제조 선도 프로젝트 1차 공모입니다. 대기업과 공급망 중소·중견기업이 함께 제안합니다.",
        "opens_at": now - datetime.timedelta(days=150), "closes_at": now - datetime.timedelta(days=90),
        "expected_projects": 6,
    })
    opened, _ = Call.objects.get_or_create(title=OPEN_TITLE, defaults={
        "description": "AI 자율제조 선도 프로젝트 2차 공모입니다. 현장 확산 가능한 표준 모델을 찾습니다.",
        "opens_at": now - datetime.timedelta(days=14), "closes_at": now + datetime.timedelta(days=21),
        "max_months": 30, "expected_projects": 10,
    })
    count = proposal_count(scale)
    closed_calls = [closed] + [
        Call.objects.get_or_create(title=title, defaults={
            "description": "AI 자율제조 선도 프로젝트 공모입니다.",
            "opens_at": now - datetime.timedelta(days=days), "closes_at": now - datetime.timedelta(days=days - 60),
            "expected_projects": 20,
        })[0]
        for title, days in EARLIER_CALLS[: min(len(EARLIER_CALLS), count // PROPOSALS_PER_EARLIER_CALL)]
    ]
    calls = [*closed_calls, opened]
    for call in calls:
        call.add_default_criteria()

    if Proposal.objects.filter(call__in=calls).exists():
        stdout.write("Demo lead projects already present.\n")
        return
    pools = _Pools()
    if not pools["sme"] or not (pools["large"] or pools["midsize"]):
        stdout.write("No approved demo organisations to build consortia from: skipping lead projects.\n")
        return
    areas = {a.code: a for a in AIArea.objects.all()}
    industries = {industry.pk: industry for industry in Industry.objects.all()}
    # One stored PDF stands for every submitted proposal's document.
    document = default_storage.save(PrivateUploadTo("proposals")(None, "demo.pdf"), ContentFile(PDF))

    # In batches of BATCH proposals, each built, written and dropped before the next (with its consortia, KPIs,
    # histories, submitted versions and reviews): memory stays that of one batch at any scale. The rng is drawn in
    # the same order within a batch, so the small demo (one batch) is what it was.
    run = _Run(now=now, closed=closed, opened=opened, earlier=closed_calls[1:], reviewers=reviewers,
               evaluators=evaluators, decider=decider, document=document, areas=areas, industries=industries)
    plans = _plans(count, closed_calls, opened)
    for first in progress(range(0, count, BATCH), total=-(-count // BATCH), desc="proposals"):
        _seed_batch(rng, run, pools, [(first + i, plan) for i, plan in enumerate(islice(plans, BATCH))])
    stdout.write(
        f"Demo lead projects: {count} proposals in {len(calls)} calls; "
        f"reviewers {', '.join(REVIEWER_EMAILS)}, outside evaluators {', '.join(e[0] for e in EVALUATORS)}, "
        f"decider {DECIDER_EMAIL} (demo password, TOTP secret as for the staff account).\n"
    )
    if run.revised is not None:
        owner = get_user_model().objects.filter(pk=run.revised_owner).values_list("email", flat=True).first()
        stdout.write(
            f"  Submitted twice, with what changed: /my/proposals/{run.revised.pk}/submissions/2/ "
            f"(its lead's owner {owner}; staff on the proposal's admin page).\n"
        )


class _Pools(dict):
    """{group: ids of its approved organisations, in id order}, plus "small" (the SMEs, then the mid-sized firms):
    what the consortia are drawn from. Ids only (8 bytes an organisation, in an array): the rows are read per batch."""

    def __init__(self):
        super().__init__((group, array("q")) for group in Organization.Group.values)
        rows = (Organization.objects.approved().order_by("pk").annotate(org_group=group_expression())
                .values_list("pk", "org_group"))
        for pk, group in rows.iterator(chunk_size=BATCH):
            self[group].append(pk)
        self["small"] = self["sme"] + self["midsize"]

    def group_of_small(self, position):
        return Organization.Group.SME if position < len(self["sme"]) else Organization.Group.MIDSIZE


class _Run:
    """What the batches share: the calls, the staff, the panels (set up with the first batch) and what is still to
    be placed (the revised proposal, the two conversations)."""

    def __init__(self, **fields):
        self.__dict__.update(fields)
        self.revised = self.revised_owner = self.first_sent = None
        self.panels = None
        self.analyzed = False
        self.conversations = {S.CHANGES_REQUESTED: ANSWERED, S.SUBMITTED: UNANSWERED}


def _plans(count, closed_calls, opened):
    """(call, status) of each proposal, in order: the closed calls' first, then the open call's."""
    in_closed = round(count * len(CLOSED_MIX) / SMALL_PROPOSALS)
    # A call selects no more projects than it set out to; the other finalists are rejected.
    places = {call.pk: call.expected_projects for call in closed_calls}
    for i in range(in_closed):
        call, status = closed_calls[i % len(closed_calls)], CLOSED_MIX[i % len(CLOSED_MIX)]
        if status == S.SELECTED:
            if places[call.pk]:
                places[call.pk] -= 1
            else:
                status = S.REJECTED
        yield call, status
    for i in range(count - in_closed):
        yield opened, OPEN_MIX[i % len(OPEN_MIX)]


def _seed_batch(rng, run, pools, plans):
    """Proposals `plans` ([(index, (call, status))]) with everything that hangs off them."""
    drafts = [_plan(rng, index, call, status, pools, run.document) for index, (call, status) in plans]
    # The batch's organisations and their owners, read at once (the draws above only picked ids).
    ids = {pk for _proposal, lines in drafts for pk, *_rest in lines}
    orgs = Organization.objects.only("kind", "tier", "name", "business_number", "industry_id").in_bulk(ids)
    owners = dict(Membership.objects.filter(role=Membership.Role.OWNER, organization__in=ids)
                  .values_list("organization_id", "user_id"))
    proposals, lines_by_index = [], []
    for (index, _call_status), (proposal, lines) in zip(plans, drafts, strict=True):
        lead = orgs[lines[0][0]]
        topic, _code = TOPICS[index % len(TOPICS)]
        proposal.lead, proposal.industry_id, proposal.created_by_id = lead, lead.industry_id, owners.get(lead.pk)
        proposal.summary = f"{lead.name}와(과) 협력사가 {topic} 기술을 현장에 적용하고 동종 업계로 확산합니다."
        proposals.append(proposal)
        lines_by_index.append([(orgs[pk], *rest) for pk, *rest in lines])
    revised = run.revised
    if revised is None:
        revised = next((p for p in proposals if p.call_id == run.opened.pk and p.status == S.SUBMITTED), None)
        if revised is not None:
            # What it became after the alliance asked for the demand company's data plan: this is the version it
            # holds.
            revised.problem += DATA_PLAN
            revised.document_name = revised.document_name.replace(".pdf", "_보완.pdf")
            run.first_sent = revised.submitted_at
            revised.submitted_at = run.first_sent + datetime.timedelta(days=2)  # sent back the next day, sent again
            run.revised, run.revised_owner = revised, owners.get(revised.lead_id)
    Proposal.objects.bulk_create(proposals, batch_size=1000)

    participants, kpis, links, history = [], [], [], []
    rows = {}  # proposal index -> (its participants, KPIs, AI areas), for the snapshots of what was submitted
    numbers = [number for number, _call_status in plans]
    for index, (number, proposal, lines) in enumerate(zip(numbers, proposals, lines_by_index, strict=True)):
        first = len(participants), len(kpis), len(links)
        for position, (org, role, gov, cash, kind) in enumerate(lines):
            # Every sent proposal's partners confirmed their part; in every other draft the last partner has not
            # answered yet, so the demo shows requests waiting on partners' /my/ pages.
            waiting = proposal.status == S.DRAFT and number % 2 and position == len(lines) - 1 and position > 0
            participants.append(Participant(
                proposal=proposal, organization=org, role=role, government_funding=gov, private_cash=cash,
                private_in_kind=kind, consent=Participant.Consent.PENDING if waiting else Participant.Consent.ACCEPTED,
            ))
        for indicator, baseline, target, unit in rng.sample(KPIS, 3):
            kpis.append(KPI(proposal=proposal, indicator=indicator, baseline=baseline, target=target, unit=unit))
        topic_code = TOPICS[number % len(TOPICS)][1]
        extra = rng.choice([c for c in run.areas if c != topic_code])
        links += [Proposal.ai_areas.through(proposal=proposal, aiarea=run.areas[code]) for code in (topic_code, extra)]
        rows[index] = (participants[first[0]:], kpis[first[1]:], [link.aiarea for link in links[first[2]:]])
        applicant = owners.get(proposal.lead_id) or run.decider.pk
        if proposal is revised:
            history += _history(proposal, applicant, run.decider, REVISED_PATH, start=run.first_sent, days=1)
        else:
            history += _history(proposal, applicant, run.decider, PATHS[proposal.status])
    Participant.objects.bulk_create(participants, batch_size=2000)
    KPI.objects.bulk_create(kpis, batch_size=2000)
    Proposal.ai_areas.through.objects.bulk_create(links, batch_size=2000)
    StatusChange.objects.bulk_create(history, batch_size=2000)
    _submissions(proposals, rows, history, revised, run.document, run.industries)

    if run.panels is None:
        run.panels = _review_panels(run, proposals, owners)
    _reviews(rng, run, proposals, lines_by_index)
    if run.conversations:
        _conversations(proposals, lines_by_index, owners, run)


_COMMENTS = [
    "현장 데이터 확보 계획이 구체적입니다.", "공급망 협력 구조가 잘 짜여 있습니다.",
    "확산 모델의 표준화 방안을 더 보완하면 좋겠습니다.", "예산 배분이 과제 목표에 비해 다소 큽니다.",
    "AI 적용 효과 측정 방법이 명확합니다.",
]


def _private_for(call, group, gov, rng):
    """Private money that keeps `gov` within the group's share, with its cash part above the minimum."""
    limit = call.gov_share_limits()[group]
    private = -(-gov * (100 - limit) // limit) + rng.randint(0, 5) * 10_000_000
    minimum = call.cash_minimums()[group] or 0
    cash = min(private, -(-private * minimum // 100) + rng.randint(0, 3) * 10_000_000)
    return cash, private - cash


def proposal_count(scale):
    """30 proposals for the small demo; half as many as organisations at larger scales."""
    return max(SMALL_PROPOSALS, organisation_count(scale) // 2)


def _partners(rng, pools, lead, lead_group, wanted=2):
    """`wanted` distinct SMEs or mid-sized firms other than the lead (an id), drawn without scanning the pool:
    [(id, group)]."""
    pool = pools["small"]
    wanted = min(wanted, len(pool) - (1 if lead_group in ("sme", "midsize") else 0))
    partners = []
    while len(partners) < wanted:
        position = rng.randrange(len(pool))
        pk = pool[position]
        if pk != lead and pk not in [p for p, _group in partners]:
            partners.append((pk, pools.group_of_small(position)))
    return partners


def _plan(rng, index, call, status, pools, document):
    """The index-th proposal, unsaved, and its consortium's lines [(organisation id, role, government, cash, in
    kind)]; the caller fills in what needs the organisations' rows (the lead, its industry, the summary)."""
    # Most consortia are led by a large enterprise, some by a mid-sized one.
    G = Organization.Group
    group = G.LARGE if index % 4 or not pools[G.MIDSIZE] else G.MIDSIZE
    group = group if pools[group] else G.MIDSIZE
    if index % 10 == 5 and pools[G.PUBLIC_ENTERPRISE]:
        group = G.PUBLIC_ENTERPRISE  # a few consortia led by a public enterprise (공기업)
    leads = pools[group]
    lead = leads[(index * 7) % len(leads)]
    partners = _partners(rng, pools, lead, group)
    institution = rng.choice(pools[G.INSTITUTION]) if pools[G.INSTITUTION] and rng.random() < 0.6 else None

    lead_gov = rng.randint(8, 25) * EOK
    inst_gov = rng.randint(2, 6) * EOK if institution else 0
    # SMEs and mid-sized firms get at least half of the government funding.
    small_total = lead_gov + inst_gov + rng.randint(0, 10) * EOK
    shares = [small_total // len(partners)] * len(partners)
    shares[0] += small_total - sum(shares)

    lines = [(lead, Participant.Role.LEAD, lead_gov, *_private_for(call, group, lead_gov, rng))]
    roles = [Participant.Role.DEMAND_COMPANY, Participant.Role.TECHNOLOGY_SUPPLIER]
    for (org, org_group), role, gov in zip(partners, roles, shares, strict=False):
        lines.append((org, role, gov, *_private_for(call, org_group, gov, rng)))
    if institution:
        lines.append((institution, Participant.Role.RESEARCH_PARTNER, inst_gov, 0, 0))

    topic, _code = TOPICS[index % len(TOPICS)]
    starts_on = timezone.localdate(call.opens_at) + datetime.timedelta(days=60 + rng.randint(0, 30))
    months = rng.randint(12, min(call.max_months, 30))
    proposal = Proposal(
        call=call, title=f"{rng.choice(PLACES)} {topic} 선도 모델 ({index + 1})",
        problem="숙련 인력 부족과 품질 편차를 줄이고, 데이터 기반 자율 운영으로 생산성을 높입니다.",
        starts_on=starts_on,
        ends_on=call.latest_end(starts_on) - datetime.timedelta(days=30 * (call.max_months - months)),
        status=status,
        government_total=sum(line[2] for line in lines), private_cash_total=sum(line[3] for line in lines),
        private_in_kind_total=sum(line[4] for line in lines),
    )
    if status != S.DRAFT:
        proposal.document, proposal.document_name = document, f"사업계획서_{index + 1}.pdf"
        proposal.submitted_at = call.opens_at + datetime.timedelta(days=3 + index % 10)
    if status in Proposal.DECIDED:
        proposal.decided_at = call.closes_at + datetime.timedelta(days=40)
    return proposal, lines


def _history(proposal, applicant_id, decider, path, start=None, days=7):
    changes, previous = [], S.DRAFT
    at = start or proposal.submitted_at or proposal.call.opens_at
    for step, to_status in enumerate(path):
        staff = to_status in STAFF_STEPS
        changes.append(StatusChange(
            proposal=proposal, from_status=previous, to_status=to_status, note=NOTES.get(to_status, ""),
            by_id=decider.pk if staff else applicant_id, by_staff=staff,
            at=at + datetime.timedelta(days=days * step),
        ))
        previous = to_status
    return changes


def _submissions(proposals, rows, history, revised, document, industries):
    """A submitted version for every "submitted" in the histories, from the rows just written (no query per
    proposal). The revised proposal's first version is what it was before the alliance asked for changes: no data
    plan in its problem statement, 1억 less government funding on the lead's line, two KPIs instead of three, and
    the first document."""
    size, sha256 = len(PDF), hashlib.sha256(PDF).hexdigest()
    index_of = {id(proposal): index for index, proposal in enumerate(proposals)}
    submissions, numbers = [], {}
    for change in history:
        if change.to_status != S.SUBMITTED:
            continue
        proposal = change.proposal
        proposal.industry = industries[proposal.industry_id]
        participants, kpis, areas = rows[index_of[id(proposal)]]
        number = numbers[proposal.pk] = numbers.get(proposal.pk, 0) + 1
        documents = [revisions.document_entry(kind=SubmittedFile.Kind.DOCUMENT.value, name=document,
                                              original_name=proposal.document_name, size=size, sha256=sha256)]
        snapshot = revisions.snapshot_of(proposal, participants=participants, kpis=kpis, ai_areas=areas,
                                         documents=documents)
        if proposal is revised and number == 1:
            snapshot = _before_the_changes(snapshot)
        submissions.append(Submission(proposal=proposal, number=number, submitted_at=change.at,
                                      submitted_by_id=change.by_id, status_change=change, snapshot=snapshot))
        if len(submissions) == 1000:  # written as they come: the snapshots are the seeder's largest rows
            _write_submissions(submissions)
            submissions = []
    _write_submissions(submissions)


def _write_submissions(submissions):
    Submission.objects.bulk_create(submissions)
    files = []
    for submission in submissions:
        (entry,) = submission.snapshot["documents"]
        files.append(SubmittedFile(submission=submission, position=1, kind=entry["kind"], file=entry["name"],
                                   original_name=entry["original_name"], size=entry["size"], sha256=entry["sha256"]))
    SubmittedFile.objects.bulk_create(files, batch_size=2000)


def _before_the_changes(snapshot):
    proposal = dict(snapshot["proposal"])
    proposal["problem"] = proposal["problem"].removesuffix(DATA_PLAN)
    proposal["government_total"] -= EOK
    lead, *partners = snapshot["participants"]
    documents = [{**d, "original_name": d["original_name"].replace("_보완.pdf", ".pdf")}
                 for d in snapshot["documents"]]
    return {**snapshot, "proposal": proposal, "kpis": snapshot["kpis"][:2], "documents": documents,
            "participants": [{**lead, "government_funding": lead["government_funding"] - EOK}, *partners]}


# Two conversations with the alliance (projects.Message), from the staff's decider and the consortia's owners: a
# proposal sent back for changes whose questions were all answered (its lead's thread and a partner's part), and a
# submitted one whose lead asked something nobody has answered yet, so the admin overview counts one.
ANSWERED = [
    ("staff", None, "수요기업 현장의 데이터 수집 범위와 기간을 알려 주세요. 보완 요청 내용에 함께 반영하려 합니다."),
    ("lead", None, "도장 라인 3개 공정에서 6개월 동안 수집할 계획입니다. 수집 계획서를 첨부합니다."),
    ("partner", "partner", "저희 현물 부담분에 기존 검사 설비의 사용료를 넣어도 되는지 여쭙니다."),
    ("staff", "partner", "과제에 직접 쓰이는 설비라면 사용 기간만큼 현물로 계상할 수 있습니다."),
    ("staff", None, "확인했습니다. 보완본에 같은 내용을 넣어 다시 제출해 주세요."),
]
UNANSWERED = [("lead", None, "발표 평가가 있는지, 있다면 일정이 언제쯤인지 알려 주실 수 있을까요?")]
ATTACHMENT_NAME = "현장데이터_수집계획.pdf"


def _conversations(proposals, lines_by_index, owners, run):
    """The conversations still to be placed (run.conversations), on the first of `proposals` that fit."""
    plans, decider, document, now = run.conversations, run.decider, run.document, run.now
    for proposal, lines in zip(proposals, lines_by_index, strict=True):
        script = plans.get(proposal.status)
        partner = lines[1][0] if len(lines) > 1 else None
        if script is None or proposal.lead_id not in owners or (partner is None or partner.pk not in owners):
            continue
        del plans[proposal.status]
        # Between the submission and now, evenly: the demo's clock is the seeder's.
        step = (now - proposal.submitted_at) / (len(script) + 1)
        messages = []
        for position, (who, part, body) in enumerate(script, start=1):
            author_id = {"staff": decider.pk, "lead": owners[proposal.lead_id], "partner": owners[partner.pk]}[who]
            message = Message(
                proposal=proposal, partner=partner if part else None, author_id=author_id, body=body,
                side=Message.Side.STAFF if who == "staff" else Message.Side.APPLICANT,
                created_at=proposal.submitted_at + step * position,
            )
            if who == "lead" and script is ANSWERED:
                message.attachment, message.attachment_name = document, ATTACHMENT_NAME
            messages.append(message)
        Message.objects.bulk_create(messages)
        since = min(unanswered((m.partner_id, m.side, m.created_at) for m in messages).values(), default=None)
        Proposal.objects.filter(pk=proposal.pk).update(awaiting_reply_since=since)
        if not plans:
            return


# --- review panels (issue 16) ---------------------------------------------------------------------------------
#
# The first closed call was evaluated by a panel of five (two ministry reviewers and three outside evaluators, one of
# them its chair) whose scoring is closed: members declared no conflict on most proposals, two declared one, one was
# excluded automatically (a former employer in the consortium) and one on the lead's upheld 기피 request; a rejected
# lead has filed an objection (이의신청) that waits for staff. The open call's panel (the two ministry reviewers) is
# scoring now; earlier calls, at larger scales, had panels of the two.

# (email, name, affiliation, field)
EVALUATORS = [
    ("evaluator-kim@university.example", "김서연", "한국공과대학교 산업공학과", "스마트공장 운영"),
    ("evaluator-lee@university.example", "이준호", "국립제조기술연구원", "머신비전·품질"),
    ("evaluator-park@university.example", "박지민", "미래산업대학교 기계공학부", "설비 예지보전"),
]
REVIEWER_NAMES = [("정하늘", "산업통상자원부 산업인공지능과"), ("최민수", "산업통상자원부 제조산업정책과")]
CLOSED_ROUND = "1차 공모 서면평가위원회"
OPEN_ROUND = "2차 공모 평가위원회"
OBJECTION_PDF = b"%PDF-1.4\n% demo objection\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
REVIEWED = (S.UNDER_REVIEW, S.SELECTED, S.REJECTED)


def _profiles(reviewers, evaluators, conflicted_employer):
    for user, (name, affiliation) in zip(reviewers, REVIEWER_NAMES, strict=True):
        ReviewerProfile.objects.get_or_create(user=user, defaults={"name": name, "affiliation": affiliation,
                                                                   "field": "산업 정책"})
    for user, (_email, name, affiliation, field) in zip(evaluators, EVALUATORS, strict=True):
        profile, created = ReviewerProfile.objects.get_or_create(
            user=user, defaults={"name": name, "affiliation": affiliation, "field": field})
        if created and user == evaluators[2] and conflicted_employer is not None:
            # Worked at a lead of the first call until last year: excluded from its proposals without declaring.
            FormerEmployer.objects.create(profile=profile, name=conflicted_employer.name,
                                          organization=conflicted_employer, from_year=timezone.localdate().year - 8,
                                          until_year=timezone.localdate().year - 1)


def _review_panels(run, proposals, owners):
    """The panels of every call, set up with the first batch (`proposals`, whose first reviewed proposals of the
    first closed call carry the declared conflicts, the 기피 request and the objection), and who is out of what:
    {call pk: (panel, members)}, with run.declared, run.excluded and run.conflicted (the former employer)."""
    closed, opened, reviewers, evaluators, decider = run.closed, run.opened, run.reviewers, run.evaluators, run.decider
    in_closed = [p for p in proposals if p.call_id == closed.pk and p.status in REVIEWED]
    conflicted_lead = in_closed[5].lead if len(in_closed) > 5 else None
    _profiles(reviewers, evaluators, conflicted_lead)
    chair = evaluators[0]
    five = [chair, evaluators[1], evaluators[2], *reviewers]

    def panel(call, name, members, *, starts, deadline, closed_at=None, chair_user=None):
        obj = Panel.objects.create(call=call, round_name=name, starts_at=starts, deadline=deadline,
                                   status=Panel.Status.CLOSED if closed_at else Panel.Status.OPEN, closed_at=closed_at,
                                   chair_notified_at=closed_at)
        PanelMember.objects.bulk_create(PanelMember(panel=obj, user=u, is_chair=u == chair_user) for u in members)
        return obj

    run.decided_at = closed.closes_at + datetime.timedelta(days=40)
    panels = {closed.pk: (panel(closed, CLOSED_ROUND, five, starts=closed.closes_at + datetime.timedelta(days=7),
                                deadline=closed.closes_at + datetime.timedelta(days=21),
                                closed_at=closed.closes_at + datetime.timedelta(days=22), chair_user=chair), five)}
    for call in run.earlier:
        panels[call.pk] = (panel(call, "서면평가위원회", reviewers, starts=call.closes_at + datetime.timedelta(days=7),
                                 deadline=call.closes_at + datetime.timedelta(days=21),
                                 closed_at=call.closes_at + datetime.timedelta(days=22), chair_user=reviewers[0]),
                           reviewers)
    panels[opened.pk] = (panel(opened, OPEN_ROUND, reviewers, starts=run.now - datetime.timedelta(days=2),
                               deadline=run.now + datetime.timedelta(days=5), chair_user=reviewers[0]), reviewers)

    # Who is out of which proposal of the first call, and why.
    run.declared = {}  # (proposal pk, user pk) -> (ground, reason)
    run.excluded = set()
    run.conflicted = None  # the former employer, whose proposals (as lead or as partner) its evaluator is out of
    if len(in_closed) > 7:
        declared = run.declared
        declared[(in_closed[0].pk, evaluators[1].pk)] = (ConflictDeclaration.Ground.JOINT_RESEARCH,
                                                         "최근 2년간 주관기관과 비전 검사 공동연구를 수행했습니다.")
        declared[(in_closed[3].pk, evaluators[0].pk)] = (ConflictDeclaration.Ground.TEACHER_STUDENT,
                                                         "참여기관 연구책임자가 저의 박사과정 지도학생이었습니다.")
        run.excluded |= set(run.declared)
        run.conflicted = conflicted_lead.pk  # the portal's own rule (projects.rules), applied batch by batch
        challenged = in_closed[7]
        run.excluded.add((challenged.pk, reviewers[1].pk))
        ChallengeRequest.objects.create(
            proposal=challenged, person_name=REVIEWER_NAMES[1][0], person_affiliation=REVIEWER_NAMES[1][1],
            reason="해당 위원이 경쟁 컨소시엄의 사전 자문에 참여한 것으로 알고 있습니다.", evaluator=reviewers[1],
            filed_by_id=owners.get(challenged.lead_id) or decider.pk, filed_at=challenged.submitted_at,
            status=ChallengeRequest.Status.UPHELD, decided_by=decider, decided_at=closed.closes_at,
            note="사실관계를 확인하여 해당 위원을 이 과제의 평가에서 제외했습니다.",
        )
    run.criteria = {call.pk: list(call.criteria.all()) for call in (closed, opened, *run.earlier)}
    rejected = next((p for p in in_closed if p.status == S.REJECTED), None)
    run.objection = None if rejected is None else (rejected, owners.get(rejected.lead_id) or decider.pk)
    return panels


def _reviews(rng, run, proposals, lines):
    """The panels' assignments, declarations, reviews and scores for the batch `proposals`."""
    evaluator = run.evaluators[2].pk
    assignments, declarations, reviews = [], [], []
    for proposal, proposal_lines in zip(proposals, lines, strict=True):
        entry = run.panels.get(proposal.call_id)
        if entry is None or proposal.status not in (S.SUBMITTED, *REVIEWED):
            continue
        panel_obj, members = entry
        assignments.append(PanelProposal(panel=panel_obj, proposal=proposal))
        if proposal.status not in REVIEWED:
            continue  # submitted, not yet under review: the members have yet to declare
        former_employer = run.conflicted is not None and any(line[0].pk == run.conflicted for line in proposal_lines)
        for position, member in enumerate(members):
            key = (proposal.pk, member.pk)
            ground, reason = run.declared.get(key, (ConflictDeclaration.Ground.NONE, ""))
            excluded = key in run.excluded or (former_employer and member.pk == evaluator)
            if excluded and key not in run.declared:
                continue  # excluded automatically or on the lead's request: nothing to declare
            declarations.append(ConflictDeclaration(proposal=proposal, reviewer=member, ground=ground, reason=reason,
                                                    declared_at=panel_obj.starts_at))
            if excluded:
                continue
            # On the open call, the second reviewer still has a draft: the reminder and the submit button have work.
            draft = proposal.call_id == run.opened.pk and position == 1
            reviews.append(Review(proposal=proposal, reviewer=member, comment=rng.choice(_COMMENTS),
                                  submitted_at=None if draft else panel_obj.starts_at + datetime.timedelta(days=3)))
    PanelProposal.objects.bulk_create(assignments, batch_size=2000)
    ConflictDeclaration.objects.bulk_create(declarations, batch_size=2000)
    Review.objects.bulk_create(reviews, batch_size=2000)

    statuses = {p.pk: p.status for p in proposals}
    scores = []
    for review in reviews:
        high = statuses[review.proposal_id] == S.SELECTED
        for criterion in run.criteria[review.proposal.call_id]:
            scores.append(ReviewScore(review=review, criterion=criterion, score=rng.randint(4 if high else 2, 5)))
    ReviewScore.objects.bulk_create(scores, batch_size=2000)
    if not run.analyzed:
        # The planner's statistics of the tables this transaction fills, taken once they hold a batch: without
        # them, the refresh below reads every score for each proposal (and grows with the square of the scale).
        analyze(Review, ReviewScore, Proposal)
        run.analyzed = True
    services.average_score_refresh(proposal_ids=sorted({review.proposal_id for review in reviews}))

    if run.objection is not None:
        rejected, filed_by_id = run.objection
        run.objection = None
        name = default_storage.save(PrivateUploadTo("objections")(None, "demo.pdf"), ContentFile(OBJECTION_PDF))
        Objection.objects.create(
            proposal=rejected,
            reason="확산 계획 항목의 평가 의견이 제출한 사업계획서 4장의 내용과 다릅니다. 재검토를 요청합니다.",
            document=name, document_name="이의신청서.pdf", filed_by_id=filed_by_id,
            filed_at=run.decided_at + datetime.timedelta(days=3),
        )
