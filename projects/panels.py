"""Review by panels, the read side: who on a panel may see which proposal, and the panel's figures.

A reviewer who does not also decide (a ministry reviewer, an outside evaluator) sees only the proposals of the panels
they sit on, everywhere: the admin's list, change and score pages, the document and annex downloads. On each of
those proposals they first declare whether they have a conflict of interest; a declared conflict, an automatic
ground (projects.rules.automatic_conflict) or an upheld 기피 request excludes them from it entirely, as if it did
not exist (404). Until a reviewer has submitted their own review and staff have closed the panel's scoring, they see
nobody else's scores or comments.

The writes are in projects.services; the arithmetic in projects.scoring.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from members.models import Membership
from projects import rules, scoring
from projects.models import (
    ChallengeRequest,
    ConflictDeclaration,
    Decision,
    FormerEmployer,
    PanelMember,
    PanelProposal,
    Participant,
    Proposal,
    Review,
)

Ground = ConflictDeclaration.Ground


def restricted(user) -> bool:
    """Reviewers who do not decide proposals see only their panels' proposals."""
    return bool(
        user.is_authenticated and user.has_perm("projects.score_proposal")
        and not user.has_perm("projects.decide_proposal")
    )


def assigned_proposals(user):
    """The proposals of the panels `user` sits on, without those they are excluded from (declared, automatic or
    기피): what a restricted reviewer's lists show. Undeclared ones are listed: the reviewer declares from there."""
    organizations = list(rules.conflict_organizations(user))
    return (
        Proposal.objects.filter(panel_assignment__panel__members__user=user)
        .exclude(pk__in=ConflictDeclaration.objects.filter(reviewer=user).exclude(ground=Ground.NONE)
                 .values("proposal"))
        .exclude(pk__in=ChallengeRequest.objects.filter(evaluator=user, status=Decision.UPHELD).values("proposal"))
        .exclude(lead_id__in=organizations)
        .exclude(pk__in=Participant.objects.filter(organization_id__in=organizations).values("proposal"))
    )


def readable_proposals(user):
    """The proposals whose content `user` may read as a panel member: assigned, declared without conflict and not
    excluded (threads and files follow the content)."""
    return assigned_proposals(user).filter(
        pk__in=ConflictDeclaration.objects.filter(reviewer=user, ground=Ground.NONE).values("proposal"))


@dataclass
class Standing:
    """Where one reviewer stands on one proposal."""

    seat: PanelMember | None = None  # their place on the proposal's panel, if they have one
    declaration: ConflictDeclaration | None = None
    exclusion: str = ""  # why they are excluded ("" when they are not)

    @property
    def assigned(self):
        return self.seat is not None

    @property
    def visible(self):
        """Whether the proposal exists for them at all (else 404)."""
        return self.seat is not None and not self.exclusion

    @property
    def clear(self):
        """Declared without conflict and not excluded: they may read the content and score."""
        return self.visible and self.declaration is not None and not self.declaration.has_conflict

    @property
    def panel(self):
        return self.seat.panel if self.seat else None


def standing(user, proposal) -> Standing:
    seat = PanelMember.objects.select_related("panel__call").filter(
        user=user, panel__assignments__proposal=proposal).first()
    if seat is None:
        return Standing()
    declaration = ConflictDeclaration.objects.filter(proposal=proposal, reviewer=user).first()
    return Standing(seat=seat, declaration=declaration, exclusion=exclusion(user, proposal, declaration=declaration))


def exclusion(user, proposal, *, declaration=None) -> str:
    """Why `user` may not evaluate `proposal` ("" when nothing excludes them)."""
    if declaration is not None and declaration.has_conflict:
        return str(declaration.get_ground_display())
    found = rules.automatic_conflict(proposal, user)
    if found is not None:
        return automatic_text(found)
    challenge = ChallengeRequest.objects.filter(proposal=proposal, evaluator=user, status=Decision.UPHELD).first()
    return challenge_text() if challenge else ""


def automatic_text(found):
    ground, name = found
    return f"{Ground(ground).label}: {name}"


def challenge_text():
    from django.utils.translation import gettext

    return gettext("Excluded on the applicant's request (기피)")


def sees_others(review, panel) -> bool:
    """A reviewer sees the other reviewers' scores and comments once they submitted their own and scoring closed."""
    return bool(review is not None and review.submitted_at and panel is not None and not panel.is_open)


def weighting(criteria):
    return [scoring.Weighting(pk=c.pk, weight=c.weight, scale=c.scale) for c in criteria]


# --- a panel's figures: for staff (the summary, its CSV) and, after the decision, for the applicant ---------------


@dataclass
class MemberRow:
    member: PanelMember
    state: str  # "submitted", "draft", "declared", "undeclared", "excluded"
    reason: str = ""  # why they are excluded
    total: object = None  # their weighted total (a Fraction) once submitted
    dropped: bool = False


@dataclass
class ProposalRow:
    proposal: Proposal
    result: scoring.Result
    members: list = field(default_factory=list)
    rank: int | None = None

    @property
    def submitted(self):
        return sum(row.state == "submitted" for row in self.members)

    @property
    def expected(self):
        return sum(row.state != "excluded" for row in self.members)

    @property
    def excluded(self):
        return [row for row in self.members if row.state == "excluded"]

    @property
    def comments(self):
        """The submitted comments, without names and sorted, so their order does not tell who wrote which."""
        sheets = self.result.counted + self.result.dropped
        return sorted(sheet.comment for sheet in sheets if sheet.comment)


def _members(panel):
    return list(
        panel.members.select_related("user__reviewer_profile__affiliation_organization").prefetch_related(
            Prefetch("user__reviewer_profile__former_employers", queryset=FormerEmployer.objects.order_by("pk"))
        )
    )


def panel_rows(panel, *, proposals=None, today=None):
    """One row per proposal of `panel` (or of `proposals` among them), ranked by panel score; a fixed number of
    queries whatever the number of proposals and members."""
    criteria = list(panel.call.criteria.all())
    weights = weighting(criteria)
    members = _members(panel)
    if proposals is None:
        proposals = [a.proposal for a in panel.assignments.select_related("proposal__lead", "proposal__call")]
    users = [m.user_id for m in members]
    ids = [p.pk for p in proposals]
    memberships = {
        m.user_id: m for m in Membership.objects.filter(user_id__in=users).select_related("organization")
    }
    conflicts = {
        m.user_id: rules.conflict_organizations_of(
            getattr(m.user, "reviewer_profile", None), memberships.get(m.user_id), today)
        for m in members
    }
    consortium = {}
    for proposal_id, organization_id in Participant.objects.filter(proposal_id__in=ids).values_list(
            "proposal_id", "organization_id"):
        consortium.setdefault(proposal_id, set()).add(organization_id)
    declarations = {
        (d.proposal_id, d.reviewer_id): d
        for d in ConflictDeclaration.objects.filter(proposal_id__in=ids, reviewer_id__in=users)
    }
    challenged = set(
        ChallengeRequest.objects.filter(proposal_id__in=ids, evaluator_id__in=users, status=Decision.UPHELD)
        .values_list("proposal_id", "evaluator_id")
    )
    reviews = {
        (r.proposal_id, r.reviewer_id): r
        for r in Review.objects.filter(proposal_id__in=ids, reviewer_id__in=users).prefetch_related("scores")
    }
    rows = []
    for proposal in proposals:
        named = consortium.get(proposal.pk, set()) | {proposal.lead_id}
        states, sheets = [], []
        for member in members:
            declaration = declarations.get((proposal.pk, member.user_id))
            review = reviews.get((proposal.pk, member.user_id))
            automatic = next((conflicts[member.user_id][pk] for pk in conflicts[member.user_id] if pk in named), None)
            if declaration is not None and declaration.has_conflict:
                row = MemberRow(member, "excluded", f"{declaration.get_ground_display()}: {declaration.reason}")
            elif automatic is not None:
                row = MemberRow(member, "excluded", automatic_text(automatic))
            elif (proposal.pk, member.user_id) in challenged:
                row = MemberRow(member, "excluded", challenge_text())
            elif review is not None and review.submitted_at:
                row = MemberRow(member, "submitted")
                sheets.append(scoring.Sheet(
                    reviewer_id=member.user_id, scores={s.criterion_id: s.score for s in review.scores.all()},
                    comment=review.comment,
                ))
            elif review is not None:
                row = MemberRow(member, "draft")
            else:
                row = MemberRow(member, "declared" if declaration is not None else "undeclared")
            states.append(row)
        result = scoring.panel_result(weights, sheets, drop_extremes=panel.call.drop_extremes)
        dropped = {s.reviewer_id for s in result.dropped}
        for row in states:
            if row.state == "submitted":
                row.total = result.totals[row.member.user_id]
                row.dropped = row.member.user_id in dropped
        rows.append(ProposalRow(proposal=proposal, result=result, members=states))
    ranked = scoring.ranks({row.proposal.pk: row.result.score for row in rows if row.result.score is not None})
    for row in rows:
        row.rank = ranked.get(row.proposal.pk)
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.proposal.pk))
    return criteria, members, rows


def all_scores_in(panel) -> bool:
    """Every member who is not excluded has submitted a review of every proposal of the panel."""
    _criteria, _members_, rows = panel_rows(panel)
    return bool(rows) and all(row.submitted == row.expected for row in rows)


def unfinished_members(panel):
    """The members who still owe a declaration or a submitted review on some proposal of the panel."""
    _criteria, members, rows = panel_rows(panel)
    owing = {row_member.member.pk for row in rows for row_member in row.members
             if row_member.state in ("draft", "declared", "undeclared")}
    return [m for m in members if m.pk in owing]


@dataclass
class Disclosure:
    """What the lead sees after the decision."""

    score: object
    criteria: list  # [(criterion, mean, (lowest, highest))]
    comments: list
    band: int | None = None  # top 10/25/50 %, 0 for the lower half; None when the call does not show it
    evaluators: list = field(default_factory=list)  # [(name, affiliation)] when the call shows them
    show_band: bool = False
    show_evaluators: bool = False

    @property
    def score_text(self):
        return scoring.as_decimal_text(self.score)

    @property
    def rows(self):
        """[(criterion, mean as text)] for the page."""
        return [(criterion, scoring.as_decimal_text(mean)) for criterion, mean, _spread in self.criteria]


def disclosure(proposal):
    """What the applicant is shown once its proposal is decided, or None (not decided, or never on a panel)."""
    if not proposal.is_decided:
        return None
    assignment = PanelProposal.objects.select_related("panel__call").filter(proposal=proposal).first()
    if assignment is None:
        return None
    panel, call = assignment.panel, assignment.panel.call
    criteria, members, rows = panel_rows(panel, proposals=[proposal])
    row = rows[0]
    if row.result.score is None:
        return None
    out = Disclosure(
        score=row.result.score,
        criteria=[(c, row.result.means[c.pk], row.result.spreads[c.pk]) for c in criteria],
        comments=row.comments, show_band=call.disclose_rank_band, show_evaluators=call.disclose_evaluators,
    )
    if call.disclose_rank_band:
        scores = call_scores(call)
        rank = scoring.ranks(scores)[proposal.pk]
        out.band = scoring.rank_band(rank, len(scores)) or 0
    if call.disclose_evaluators:
        out.evaluators = [evaluator_name(m.user) for m in members]
    return out


def evaluator_name(user):
    """(name, affiliation) as applicants read them: from the evaluator's profile, else the account's name."""
    profile = getattr(user, "reviewer_profile", None)
    if profile is not None:
        return profile.name, profile.affiliation
    return user.get_full_name() or "—", ""


def call_scores(call):
    """{proposal id: panel score} of every scored proposal of the call's panels."""
    scores = {}
    for panel in call.panels.all():
        _criteria, _members_, rows = panel_rows(panel)
        scores.update({row.proposal.pk: row.result.score for row in rows if row.result.score is not None})
    return scores
