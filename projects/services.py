"""Writes with side effects: saving a proposal with its rows, the review workflow, scoring.

Every function is keyword-only and atomic. Workflow transitions lock the proposal row
(select_for_update), so of two staff deciding the same proposal at once exactly one
wins; the other gets a WorkflowError whose message says what happened.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg, FloatField, Max, OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from jobs.services import queue_mail
from members.models import Membership
from portal import throttle
from portal.files import delete_file_on_commit, keep_original_name, new_files_discarded_on_error, size_and_sha256
from portal.links import absolute_reverse
from portal.money import format_krw
from portal.workflow import WorkflowError
from projects import panels, revisions, rules
from projects.models import (
    ANNEX_UPLOAD,
    KPI,
    MESSAGE_UPLOAD,
    OBJECTION_UPLOAD,
    PROPOSAL_DOCUMENT_UPLOAD,
    Annex,
    ChallengeRequest,
    ConflictDeclaration,
    ConsentChange,
    Message,
    Objection,
    Panel,
    PanelMember,
    Participant,
    Proposal,
    Review,
    ReviewReopening,
    ReviewScore,
    StatusChange,
    Submission,
    SubmittedFile,
    unanswered,
)

S = Proposal.Status


WORKFLOW = Proposal.WORKFLOW


def can_manage(user, proposal):
    """The lead organisation's owners and managers edit, submit and withdraw (read fresh from the database)."""
    return proposal.is_managed_by(Membership.objects.of(user))


def can_decide(user):
    return bool(user.is_active and user.is_staff and user.has_perm("projects.decide_proposal"))


def can_score(user):
    return bool(user.is_active and user.is_staff and user.has_perm("projects.score_proposal"))


def proposal_transition(*, proposal, action, by, note="", now=None):
    """Run the step `action` (a row of Proposal.WORKFLOW) on `proposal`."""
    spec = WORKFLOW[action]
    if spec.permission and not (by.is_active and by.is_staff and by.has_perm(spec.permission)):
        raise PermissionDenied
    if not spec.permission and not can_manage(by, proposal):
        raise PermissionDenied
    now = now or timezone.now()
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().select_related("call", "lead").get(pk=proposal.pk)
        WORKFLOW.check(action, current=locked.status, seen=proposal.status, note=note)
        if action == "submit":
            locked.recompute_totals()  # from the stored rows, never from the browser
            locked.full_clean()
            locked.validate_for_submission(now=now)
            locked.submitted_at = now
        if spec.target in Proposal.DECIDED:
            locked.decided_at = now
        old = locked.status
        locked.status = spec.target
        locked.save()
        change = StatusChange.objects.create(
            proposal=locked, from_status=old, to_status=spec.target, note=note, by=by,
            by_staff=bool(spec.permission), at=now,
        )
        submission = _record_submission(locked, change=change, by=by, now=now) if action == "submit" else None
        # Queued in this transaction: the step, its record and its mail commit together.
        _notify_lead(proposal=locked, note=note, action=action, submission=submission)
    for field in ("status", "submitted_at", "decided_at", "government_total", "private_cash_total",
                  "private_in_kind_total"):
        setattr(proposal, field, getattr(locked, field))
    return proposal


def proposal_submit(*, proposal, by, now=None):
    return proposal_transition(proposal=proposal, action="submit", by=by, now=now)


def proposal_withdraw(*, proposal, by, note=""):
    return proposal_transition(proposal=proposal, action="withdraw", by=by, note=note)


def proposal_start_review(*, proposal, by, note=""):
    return proposal_transition(proposal=proposal, action="start_review", by=by, note=note)


def proposal_request_changes(*, proposal, by, note):
    return proposal_transition(proposal=proposal, action="request_changes", by=by, note=note)


def proposal_decide(*, proposal, by, selected, note=""):
    return proposal_transition(proposal=proposal, action="select" if selected else "reject", by=by, note=note)


def _record_submission(proposal, *, change, by, now):
    """The submitted version: a snapshot of the locked proposal as it is sent (projects.revisions), numbered after
    the proposal's earlier ones, and its documents kept by their stored names."""
    documents = []
    if proposal.document:
        documents.append(_document(SubmittedFile.Kind.DOCUMENT, proposal.document, proposal.document_name))
    for annex in proposal.annexes.all():
        documents.append(_document(SubmittedFile.Kind.ANNEX, annex.file, annex.original_name, id=annex.pk))
    snapshot = revisions.snapshot_of(
        proposal, participants=proposal.participants.select_related("organization"), kpis=proposal.kpis.all(),
        ai_areas=proposal.ai_areas.all(), documents=documents,
    )
    # Under the proposal's row lock: no other submission of it can take the number meanwhile.
    number = (proposal.submissions.aggregate(last=Max("number"))["last"] or 0) + 1
    submission = Submission.objects.create(
        proposal=proposal, number=number, submitted_at=now, submitted_by=by, status_change=change,
        snapshot=snapshot,
    )
    SubmittedFile.objects.bulk_create(
        SubmittedFile(submission=submission, position=position, kind=d["kind"], file=d["name"],
                      original_name=d["original_name"], size=d["size"], sha256=d["sha256"])
        for position, d in enumerate(documents, start=1)
    )
    return submission


def _document(kind, field_file, original_name, id=None):
    size, sha256 = size_and_sha256(field_file)
    return revisions.document_entry(kind=kind.value, name=field_file.name, size=size, sha256=sha256, id=id,
                                    original_name=original_name or str(kind.label))


def _notify_lead(*, proposal, note, action="", submission=None):
    """Email the lead organisation's owners and managers about the proposal's new status; a resubmission and a
    request for changes link to the submitted version they are about (what changed, what the note is about)."""
    recipients = [m.user.email for m in proposal.manager_memberships() if m.user.is_active]
    if not recipients:
        return
    version = None
    if submission is not None and submission.number > 1:
        version = submission.number
    elif action == "request_changes":
        version = proposal.submissions.order_by("-number").values_list("number", flat=True).first()
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Proposal “%(title)s”: %(status)s") % {
            "title": proposal.title, "status": proposal.get_status_display()
        }
        lines = [
            str(_("The status of your proposal “%(title)s” to the call “%(call)s” is now: %(status)s.") % {
                "title": proposal.title, "call": proposal.call.title, "status": proposal.get_status_display(),
            }),
        ]
        if note:
            lines += ["", str(_("Note from the alliance:")), note]
        if version:
            what = (_("What changed since the previous submission (submission %(number)s):") if action == "submit"
                    else _("The submitted version this is about (submission %(number)s):"))
            lines += ["", str(what % {"number": version}),
                      absolute_reverse("my-proposals:submission", proposal.pk, version)]
        lines += ["", str(_("See the proposal on the portal:")),
                  absolute_reverse("my-proposals:detail", proposal.pk)]
    queue_mail(to=recipients, subject=str(subject), body="\n".join(lines))


# --- calls (written by staff in the admin) -------------------------------------------------------


@transaction.atomic
def call_save(*, call, by):
    """Validate and save a call for proposals."""
    call.full_clean()
    call.save()
    return call


@transaction.atomic
def call_add_default_criteria(*, call):
    """Give a call without review criteria the five standard ones."""
    call.add_default_criteria()
    return call


# --- saving a proposal with its consortium and KPIs ---------------------------------------------


PROPOSAL_FIELDS = ("title", "summary", "problem", "industry", "starts_on", "ends_on")
PARTICIPANT_FIELDS = ("organization", "role", "government_funding", "private_cash", "private_in_kind")
KPI_FIELDS = ("indicator", "baseline", "target", "unit")


def proposal_save_draft(*, proposal=None, call=None, lead=None, data, participants, kpis, document=None, by):
    """Save a draft with its consortium and KPIs from plain data; the totals come from the saved rows.

    A new draft (`proposal` None) is made for `call`, led by `lead`. `data` holds the fields of
    PROPOSAL_FIELDS and "ai_areas" (a list). `participants` and `kpis` are lists of dicts with the fields of
    PARTICIPANT_FIELDS / KPI_FIELDS, "id" (the stored row's, None for a new row) and "delete" (bool).
    `document` is a new upload, or None to keep the stored file. Every rule is checked again here: the
    forms only make the messages friendly.
    """
    with transaction.atomic():
        if proposal is None:
            proposal = Proposal(call=call, lead=lead, created_by=by)
        else:
            status = Proposal.objects.select_for_update().values_list("status", flat=True).get(pk=proposal.pk)
            if status not in Proposal.EDITABLE:
                raise WorkflowError(_("This proposal can no longer be edited."), code="not_editable")
        if not can_manage(by, proposal):
            raise PermissionDenied
        for name in PROPOSAL_FIELDS:
            setattr(proposal, name, data[name])
        if document is not None:
            PROPOSAL_DOCUMENT_UPLOAD.validate(document, field="document")
            delete_file_on_commit(proposal, "document")  # the document it replaces, once this commits
            proposal.document = document
            keep_original_name(proposal, "document", "document_name")
        proposal.full_clean(exclude=["government_total", "private_cash_total", "private_in_kind_total"])
        with new_files_discarded_on_error(proposal):
            proposal.save()
            proposal.ai_areas.set(data["ai_areas"])
            changes = _save_rows(proposal, Participant, proposal.participants, PARTICIPANT_FIELDS, participants)
            _save_rows(proposal, KPI, proposal.kpis, KPI_FIELDS, kpis)
            _ask_partners(proposal, changes, by=by)
            lines = [rules.Line.of(p) for p in proposal.participants.counted().select_related("organization")]
            problems = rules.consortium_errors(proposal.call, proposal.lead, lines, complete=False)
            if problems:
                raise ValidationError(problems)
            proposal.recompute_totals()
            proposal.full_clean()
            proposal.save(
                update_fields=["government_total", "private_cash_total", "private_in_kind_total", "updated_at"]
            )
    return proposal


def proposal_keep_document(*, proposal, document, by):
    """Store a new document on a draft whose form came back with errors, and nothing else of that form: the
    file survives the errors, so the applicant need not choose it again (a browser cannot send it back)."""
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.status not in Proposal.EDITABLE:
            raise WorkflowError(_("This proposal can no longer be edited."), code="not_editable")
        if not can_manage(by, proposal):
            raise PermissionDenied
        PROPOSAL_DOCUMENT_UPLOAD.validate(document, field="document")
        delete_file_on_commit(proposal, "document")  # the document it replaces, once this commits
        proposal.document = document
        keep_original_name(proposal, "document", "document_name")
        with new_files_discarded_on_error(proposal):
            proposal.save(update_fields=["document", "document_name", "updated_at"])
    return proposal


def _save_rows(proposal, model, related, fields, rows):
    """Apply plain rows to a proposal's stored rows: deletions first, so a row may take over a freed place.

    Returns what changed as (removed rows, [(saved row, its values before or None for a new row)])."""
    stored = {row.pk: row for row in related.select_for_update()}
    for row in rows:
        if row.get("id") is not None and row["id"] not in stored:
            raise ValidationError(_("A row of this proposal was changed or removed meanwhile: reload the page."))
    removed, saved = [], []
    for row in rows:
        if row.get("delete") and row.get("id") is not None:
            obj = stored.pop(row["id"])
            obj.delete()
            removed.append(obj)
    for row in rows:
        if row.get("delete"):
            continue
        obj = stored[row["id"]] if row.get("id") is not None else model(proposal=proposal)
        before = {name: getattr(obj, name) for name in fields} if obj.pk else None
        for name in fields:
            setattr(obj, name, row[name])
        obj.full_clean()
        obj.save()
        saved.append((obj, before))
    return removed, saved


# --- partners' confirmation (참여확약) --------------------------------------------------------------

CONSENT = Participant.CONSENT_WORKFLOW
C = Participant.Consent


def _record_consent(participant, *, to, by, note="", now=None, new=False):
    now = now or timezone.now()
    ConsentChange.objects.create(
        proposal_id=participant.proposal_id, organization_id=participant.organization_id,
        from_state="" if new else participant.consent, to_state=to, note=note, by=by, at=now,
    )
    participant.consent = to
    participant.consent_note = note
    participant.consent_by = None if to == C.PENDING else by
    participant.consent_at = None if to == C.PENDING else now


def _ask_partners(proposal, changes, *, by):
    """After the lead saved its consortium: a new partner is asked to confirm, a partner whose line the lead changed
    is asked again (it confirms the new figures), a removed one is told. Mail queued in the caller's transaction."""
    removed, saved = changes
    for participant, before in saved:
        if participant.organization_id == proposal.lead_id:
            if participant.consent != C.ACCEPTED:  # the lead's own line: confirmed by writing it
                _record_consent(participant, to=C.ACCEPTED, by=by, new=before is None)
                participant.save(update_fields=["consent", "consent_note", "consent_by", "consent_at"])
            continue
        if before is None or before["organization"] != participant.organization:
            _record_consent(participant, to=C.PENDING, by=by, new=True)
            participant.save(update_fields=["consent", "consent_note", "consent_by", "consent_at"])
            _mail_partner(participant, kind="request")
        elif any(before[name] != getattr(participant, name) for name in PARTICIPANT_FIELDS):
            if participant.consent != C.PENDING:
                CONSENT.check("reset", current=participant.consent)
                _record_consent(participant, to=C.PENDING, by=by)
                participant.save(update_fields=["consent", "consent_note", "consent_by", "consent_at"])
            _mail_partner(participant, kind="changed")
    for participant in removed:
        if participant.organization_id != proposal.lead_id:
            _mail_partner(participant, kind="removed")


def _emails(memberships):
    return [m.user.email for m in memberships if m.user.is_active]


def _mail_partner(participant, *, kind):
    """Tell a partner's owners and managers that they were named, that their line changed, or that they were
    removed."""
    proposal = participant.proposal
    recipients = _emails(participant.manager_memberships())
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        params = {"lead": proposal.lead.name, "title": proposal.title, "call": proposal.call.title,
                  "org": participant.organization.name}
        if kind == "request":
            subject = _("%(lead)s names %(org)s as a partner in “%(title)s”: please confirm") % params
            intro = _("%(lead)s named %(org)s as a partner in its proposal “%(title)s” to the call “%(call)s”. "
                      "The proposal can be submitted only after you confirm your part (참여확약). Check your "
                      "budget line and confirm or decline it on the portal.") % params
        elif kind == "changed":
            subject = _("“%(title)s”: %(lead)s changed your budget line; please confirm again") % params
            intro = _("%(lead)s changed the budget line of %(org)s in the proposal “%(title)s”. Check the new "
                      "figures and confirm them again (or decline) on the portal.") % params
        else:
            subject = _("“%(title)s”: %(lead)s removed %(org)s from the consortium") % params
            intro = _("%(lead)s removed %(org)s from the consortium of its proposal “%(title)s”.") % params
        lines = [str(intro)]
        if kind != "removed":
            lines += ["", str(_("Line of %(org)s:") % params),
                      f"- {participant.Role(participant.role).label}",
                      f"- {_('Government funding')}: {format_krw(participant.government_funding)}",
                      f"- {_('Private cash')}: {format_krw(participant.private_cash)}",
                      f"- {_('Private in kind')}: {format_krw(participant.private_in_kind)}",
                      "", str(_("Your partner requests:")), absolute_reverse("my-proposals:requests")]
    queue_mail(to=recipients, subject=str(subject), body="\n".join(lines))


def _mail_lead_about(participant, *, what, note=""):
    proposal = participant.proposal
    recipients = _emails(proposal.manager_memberships())
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        params = {"org": participant.organization.name, "title": proposal.title}
        texts = {
            "accept": _("%(org)s confirmed its part in “%(title)s”."),
            "decline": _("%(org)s declined to take part in “%(title)s”."),
            "withdraw": _("%(org)s withdrew from “%(title)s”."),
            "edit": _("%(org)s changed its own budget line or contact person in “%(title)s”."),
        }
        text = str(texts[what] % params)
        lines = [text]
        if note:
            lines += ["", str(_("Their note:")), note]
        lines += ["", str(_("See the proposal on the portal:")), absolute_reverse("my-proposals:detail", proposal.pk)]
    queue_mail(to=recipients, subject=text, body="\n".join(lines))


def can_answer(user, participant):
    """A partner's owners and managers answer for it (read fresh from the database)."""
    membership = Membership.objects.of(user)
    return bool(membership and membership.organization_id == participant.organization_id and membership.can_manage)


def _lock_participation(participant, by):
    """The proposal and the line under lock, for one of the partner's own steps; refused unless the proposal is
    still open for changes (after submission a change goes through the alliance's request for changes)."""
    if not can_answer(by, participant) or participant.organization_id == participant.proposal.lead_id:
        raise PermissionDenied
    proposal = Proposal.objects.select_for_update().select_related("call", "lead").get(pk=participant.proposal_id)
    if proposal.status not in Proposal.EDITABLE:
        raise WorkflowError(
            _("This proposal is %(status)s: a partner's part changes only while it is a draft or the alliance has "
              "asked for changes."), code="not_editable", params={"status": proposal.get_status_display().lower()},
        )
    locked = Participant.objects.select_for_update().select_related("organization").get(pk=participant.pk)
    locked.proposal = proposal
    return proposal, locked


def participation_answer(*, participant, action, by, note="", now=None):
    """A partner confirms ("accept"), declines or withdraws from its part, with an optional note."""
    with transaction.atomic():
        proposal, locked = _lock_participation(participant, by)
        CONSENT.check(action, current=locked.consent, seen=participant.consent, note=note)
        _record_consent(locked, to=CONSENT[action].target, by=by, note=note, now=now)
        locked.save(update_fields=["consent", "consent_note", "consent_by", "consent_at"])
        _refresh_totals(proposal)
        _mail_lead_about(locked, what=action, note=note)
    return locked


PARTNER_FIELDS = ("government_funding", "private_cash", "private_in_kind", "contact_name", "contact_email",
                  "contact_phone")


def participation_save(*, participant, by, data):
    """A partner edits its own budget line and contact person (`data` holds PARTNER_FIELDS). Its answer stands: a
    line it changes itself is the one it confirms."""
    with transaction.atomic():
        proposal, locked = _lock_participation(participant, by)
        if not locked.is_counted:
            raise WorkflowError(
                _("You declined or withdrew from this proposal: confirm your part first to change it."),
                code="not_counted",
            )
        for name in PARTNER_FIELDS:
            setattr(locked, name, data[name])
        locked.full_clean()
        locked.save()
        lines = [rules.Line.of(p) for p in proposal.participants.counted().select_related("organization")]
        problems = rules.consortium_errors(proposal.call, proposal.lead, lines, complete=False)
        if problems:
            raise ValidationError(problems)
        _refresh_totals(proposal)
        _mail_lead_about(locked, what="edit")
    return locked


def _refresh_totals(proposal):
    proposal.recompute_totals()
    proposal.save(update_fields=["government_total", "private_cash_total", "private_in_kind_total", "updated_at"])


@transaction.atomic
def annex_add(*, proposal, uploaded, by):
    if not can_manage(by, proposal):
        raise PermissionDenied
    if not proposal.is_editable:
        raise WorkflowError(_("This proposal can no longer be edited."), code="not_editable")
    ANNEX_UPLOAD.validate(uploaded, field="file")
    annex = Annex(proposal=proposal, file=uploaded, uploaded_by=by)
    keep_original_name(annex, "file", "original_name")
    annex.full_clean()
    with new_files_discarded_on_error(annex):
        annex.save()
    return annex


@transaction.atomic
def annex_delete(*, annex, by):
    if not can_manage(by, annex.proposal):
        raise PermissionDenied
    if not annex.proposal.is_editable:
        raise WorkflowError(_("This proposal can no longer be edited."), code="not_editable")
    delete_file_on_commit(annex, "file")
    annex.delete()


# --- review ---------------------------------------------------------------------------------------

REVIEWABLE = (S.SUBMITTED, S.UNDER_REVIEW)


def _lock_for_review(proposal, reviewer):
    """The proposal under lock and the reviewer's standing on it (projects.panels): only a member of the panel that
    evaluates it, not excluded from it, may act, while the panel's scoring is open."""
    if not can_score(reviewer):
        raise PermissionDenied
    locked = Proposal.objects.select_for_update().select_related("call", "lead").get(pk=proposal.pk)
    if locked.status not in REVIEWABLE:
        raise ValidationError(_("Only submitted proposals and proposals under review can be scored."))
    if rules.reviewer_conflict(locked, reviewer):
        raise ValidationError(rules.CONFLICT_MESSAGE)
    standing = panels.standing(reviewer, locked)
    if not standing.visible:
        raise PermissionDenied  # not on its panel, or excluded: the views answer 404
    panel = Panel.objects.select_for_update().get(pk=standing.panel.pk)  # the chair's notice is sent once
    if not panel.is_open:
        raise WorkflowError(_("The panel's scoring is closed: scores can no longer change."), code="closed")
    if not panel.has_started():
        # Until then applicants may still ask to exclude an evaluator (기피): nobody declares or scores before.
        raise WorkflowError(_("The evaluation starts on %(date)s: declarations and scores open then."),
                            code="not_started", params={"date": _local_text(panel.starts_at)})
    standing.seat.panel = panel
    return locked, standing


def review_save(*, proposal, reviewer, scores, comment="", submit=False, now=None):
    """Record a panel member's score for every criterion of the call (1 to the criterion's scale), with a comment.

    `scores` maps criterion id to score. Only a member who declared no conflict of interest scores; `submit` locks
    the review (a change after that needs the chair: review_reopen) and, with the last review of the panel in,
    tells the chair.
    """
    with transaction.atomic():
        locked, standing = _lock_for_review(proposal, reviewer)
        if not standing.clear:
            raise ValidationError(_("Declare whether you have a conflict of interest before scoring."))
        problem = locked.call.weight_problem()
        if problem:
            raise ValidationError(problem)
        review, _created = Review.objects.select_for_update().get_or_create(proposal=locked, reviewer=reviewer)
        if review.recused:
            raise ValidationError(_("You recused yourself from this proposal, so you cannot score it."))
        if review.submitted_at:
            raise WorkflowError(
                _("You have submitted this review: it is locked. Ask the panel's chair to reopen it for a change."),
                code="locked",
            )
        review.comment = comment
        if submit:
            review.submitted_at = now or timezone.now()
        review.full_clean()
        review.save()
        for criterion in locked.call.criteria.all():
            if criterion.pk not in scores:
                raise ValidationError(_("Score every criterion."))
            score = ReviewScore.objects.filter(review=review, criterion=criterion).first() or ReviewScore(
                review=review, criterion=criterion
            )
            score.score = scores[criterion.pk]
            score.full_clean()
            score.save()
        if submit:
            average_score_refresh(proposal_ids=[locked.pk])
            _tell_chair_when_complete(standing.panel, now=now)
    return review


def average_score_refresh(*, proposal_ids) -> None:
    """Store each proposal's mean score (Proposal.average_score: the submitted reviews that were not recused).

    Called in the transaction of every service that changes which scores count (a review submitted or reopened, a
    conflict dropping a review), and once for all by code that writes reviews in bulk (seed_demo). An update, not a
    save: no signal, and no public page shows the score."""
    scores = (
        ReviewScore.objects.filter(review__proposal=OuterRef("pk"), review__recused=False,
                                   review__submitted_at__isnull=False)
        .order_by().values("review__proposal").annotate(average=Avg("score")).values("average")
    )
    Proposal.objects.filter(pk__in=proposal_ids).update(average_score=Subquery(scores, output_field=FloatField()))


def review_recuse(*, proposal, reviewer, reason):
    """A reviewer steps aside (회피) with a reason: a declared conflict of interest (conflict_declare)."""
    if not reason.strip():
        raise ValidationError(_("Give a reason for recusing yourself."))
    return conflict_declare(proposal=proposal, reviewer=reviewer, ground=ConflictDeclaration.Ground.OTHER,
                            reason=reason)


# --- the conversation between staff and the consortium (Message) -----------------------------------------------
#
# Decided: the thread is open to both sides while the proposal is a draft, submitted, under review or sent back for
# changes (Proposal.MESSAGES_OPEN), so a question asked before submission can be answered; once selected, rejected
# or withdrawn it is read-only. Staff write with projects.message_applicants ("Project deciders"); both project
# groups read (projects.view_message). A staff message mails the owners and managers of the organisation it is
# addressed to (the lead, or the partner whose part it is about); an applicant's message mails the staff who have
# written in this proposal's conversation and may still write, or, before any of them has, every active staff
# member who may (superusers aside, unless they wrote: they administer the portal rather than answer applicants).

MESSAGES_PER_MINUTE = 10


def can_read_messages(user):
    return bool(user.is_active and user.is_staff and user.has_perm("projects.view_message"))


def can_message_applicants(user):
    return bool(user.is_active and user.is_staff and user.has_perm("projects.message_applicants"))


def messages_throttled(user) -> bool:
    """Whether `user` has tried to send more than MESSAGES_PER_MINUTE messages this minute (portal.throttle)."""
    return throttle.over_limit(f"proposal-message:{user.pk}", per_minute=MESSAGES_PER_MINUTE)


def _may_write_as_applicant(author, proposal, partner):
    """The lead's owners and managers write in the lead's thread; a partner's, in their own part (read fresh)."""
    membership = Membership.objects.of(author)
    if not (membership and membership.can_manage):
        return False
    if partner is None:
        return membership.organization_id == proposal.lead_id
    return membership.organization_id == partner.pk


def message_post(*, proposal, author, side, body, attachment=None, partner=None, now=None):
    """Add a message to `proposal`'s conversation and mail the other side, in one transaction.

    `side` is Message.Side.STAFF for staff (who may address `partner`, an organisation in the consortium, instead of
    the lead) or APPLICANT for the lead's owners and managers (`partner` None) and a partner's (`partner` their own
    organisation). `attachment` is an upload or None. Refused with PermissionDenied for anyone else, WorkflowError
    once the proposal is decided or withdrawn, ValidationError for the message itself.
    """
    if side == Message.Side.STAFF:
        allowed = can_message_applicants(author)
    elif side == Message.Side.APPLICANT:
        allowed = _may_write_as_applicant(author, proposal, partner)
    else:
        allowed = False
    if not allowed:
        raise PermissionDenied
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().select_related("call", "lead").get(pk=proposal.pk)
        if locked.status not in Proposal.MESSAGES_OPEN:
            raise WorkflowError(
                _("This proposal is %(status)s: its messages can be read, and no new ones sent."),
                code="messages_closed", params={"status": locked.get_status_display().lower()},
            )
        MESSAGE_UPLOAD.validate(attachment, field="attachment")
        message = Message(
            proposal=locked, partner=partner, side=side, author=author, body=(body or "").strip(),
            attachment=attachment or "", created_at=now or timezone.now(),
        )
        keep_original_name(message, "attachment", "attachment_name")
        message.full_clean()
        with new_files_discarded_on_error(message):
            message.save()
            _refresh_awaiting_reply(locked)
            _mail_message(message)  # queued in this transaction: the message and its mail commit together
    return message


def _refresh_awaiting_reply(proposal):
    """Recompute since when the proposal has waited for staff (the oldest of its threads still waiting).

    An update, not a save: the column is staff's bookkeeping, not a change to the proposal, so neither its
    updated_at nor the public pages' data version move."""
    rows = proposal.messages.order_by("created_at", "pk").values_list("partner_id", "side", "created_at")
    since = min(unanswered(rows).values(), default=None)
    Proposal.objects.filter(pk=proposal.pk).update(awaiting_reply_since=since)
    proposal.awaiting_reply_since = since


def _staff_to_tell(message):
    """The staff an applicant's message is for (see the decision above), without its author."""
    User = get_user_model()
    permission = Permission.objects.filter(content_type__app_label="projects", codename="message_applicants")
    direct = User.user_permissions.through.objects.filter(permission__in=permission).values("user_id")
    in_group = User.groups.through.objects.filter(group__permissions__in=permission).values("user_id")
    may_write = Q(pk__in=direct) | Q(pk__in=in_group)
    staff = User.objects.filter(is_active=True, is_staff=True)
    wrote = Message.objects.filter(proposal_id=message.proposal_id, side=Message.Side.STAFF).values("author_id")
    # A superuser who answered follows the conversation like anyone who did; one who never wrote is not asked.
    emails = list(staff.filter(may_write | Q(is_superuser=True), pk__in=wrote).values_list("email", flat=True))
    return emails or list(staff.filter(may_write).values_list("email", flat=True))


def _mail_message(message):
    proposal = message.proposal
    if message.is_from_staff:
        if message.partner_id:
            memberships = Membership.objects.managing().filter(organization_id=message.partner_id)
            url = absolute_reverse("my-proposals:part-messages", proposal.pk)
        else:
            memberships = proposal.manager_memberships()
            url = absolute_reverse("my-proposals:messages", proposal.pk)
        recipients = _emails(memberships.select_related("user"))
    else:
        recipients = _staff_to_tell(message)
        url = absolute_reverse("admin:projects_proposal_messages", proposal.pk)
    recipients = [email for email in recipients if email != message.author.email]
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {"message": message, "proposal": proposal, "url": url,
                   "organization": message.partner or proposal.lead}
        subject = render_to_string("projects/email/message_subject.txt", context).strip()
        body = render_to_string("projects/email/message_body.txt", context)
    queue_mail(to=recipients, subject=subject, body=body)


# --- review panels (평가위원회), conflicts, 기피 and 이의신청 (issue 16) -------------------------------------------
#
# Staff with the decider permission form the panels in the admin; members declare, score and submit on the admin's
# pages; the lead files 기피 requests and objections on its proposal's pages. Mails are queued in the transaction of
# the change that causes them.

G = ConflictDeclaration.Ground
D = ChallengeRequest.Status
# Reminders go out in the two days before a panel's deadline.
REMIND_BEFORE = datetime.timedelta(days=2)


def _require_decider(by):
    if not can_decide(by):
        raise PermissionDenied


@transaction.atomic
def panel_save(*, panel, by):
    _require_decider(by)
    panel.full_clean()
    panel.save()
    return panel


@transaction.atomic
def panel_seat_save(*, member, by):
    """Seat an evaluator on a panel (or change whether they chair it); a new member is told by mail."""
    _require_decider(by)
    new = member.pk is None
    member.full_clean()
    member.save()
    if new:
        _mail_assignment(member)
    return member


@transaction.atomic
def panel_seat_remove(*, member, by):
    _require_decider(by)
    if Review.objects.filter(reviewer_id=member.user_id, proposal__panel_assignment__panel_id=member.panel_id,
                             submitted_at__isnull=False).exists():
        raise ValidationError(
            _("%(user)s has submitted reviews on this panel and stays on it.") % {"user": member.user})
    member.delete()


@transaction.atomic
def panel_assign(*, assignment, by):
    _require_decider(by)
    assignment.full_clean()
    assignment.save()
    return assignment


@transaction.atomic
def panel_unassign(*, assignment, by):
    _require_decider(by)
    if Review.objects.filter(proposal_id=assignment.proposal_id, submitted_at__isnull=False).exists():
        raise ValidationError(_("“%(title)s” has submitted reviews and stays with the panel.")
                              % {"title": assignment.proposal.title})
    assignment.delete()


def panel_transition(*, panel, action, by, now=None):
    """A staff step of Panel.WORKFLOW: closing the scoring, after which members see each other's scores."""
    spec = Panel.WORKFLOW[action]
    if not (by.is_active and by.is_staff and by.has_perm(spec.permission)):
        raise PermissionDenied
    with transaction.atomic():
        locked = Panel.objects.select_for_update().get(pk=panel.pk)
        Panel.WORKFLOW.check(action, current=locked.status, seen=panel.status)
        locked.status = spec.target
        locked.closed_at = now or timezone.now()
        locked.save(update_fields=["status", "closed_at"])
    panel.status, panel.closed_at = locked.status, locked.closed_at
    return panel


def panel_close_scoring(*, panel, by, now=None):
    return panel_transition(panel=panel, action="close_scoring", by=by, now=now)


def conflict_declare(*, proposal, reviewer, ground, reason="", now=None):
    """A panel member declares, before seeing the proposal's content, that they have no conflict of interest or a
    conflict with its ground and reason. A conflict excludes them from the proposal entirely (any review of theirs
    is dropped) and cannot be taken back; "no conflict" can later become a conflict."""
    now = now or timezone.now()
    if ground not in G.values:
        raise ValidationError(_("Choose a ground."))
    if ground != G.NONE and not reason.strip():
        raise ValidationError(_("Give the reason for the conflict of interest."))
    with transaction.atomic():
        locked, standing = _lock_for_review(proposal, reviewer)
        declaration = standing.declaration
        if declaration is not None and ground == G.NONE:
            raise WorkflowError(_("You have already declared for this proposal."), code="already")
        if declaration is None:
            declaration = ConflictDeclaration(proposal=locked, reviewer=reviewer)
        declaration.ground, declaration.declared_at = ground, now
        declaration.reason = reason.strip() if ground != G.NONE else ""
        declaration.full_clean()
        declaration.save()
        if ground != G.NONE:
            Review.objects.filter(proposal=locked, reviewer=reviewer).delete()
            average_score_refresh(proposal_ids=[locked.pk])
            _tell_chair_when_complete(standing.panel, now=now)
    return declaration


def review_reopen(*, review, by, reason, now=None):
    """The chair unlocks a submitted review so its reviewer can change it; the scores before are recorded."""
    if not reason.strip():
        raise ValidationError(_("Give the reason for reopening the review."))
    with transaction.atomic():
        locked = Review.objects.select_for_update().select_related("proposal", "reviewer").get(pk=review.pk)
        seat = PanelMember.objects.select_related("panel").filter(
            user=by, is_chair=True, panel__assignments__proposal_id=locked.proposal_id).first()
        if seat is None:
            raise PermissionDenied
        if not seat.panel.is_open:
            raise WorkflowError(_("The panel's scoring is closed: scores can no longer change."), code="closed")
        if not locked.submitted_at:
            raise WorkflowError(_("This review has not been submitted: its reviewer can still change it."),
                                code="not_submitted")
        ReviewReopening.objects.create(
            review=locked, by=by, reason=reason.strip(), at=now or timezone.now(), comment_before=locked.comment,
            scores_before={str(s.criterion_id): s.score for s in locked.scores.all()},
        )
        locked.submitted_at = None
        locked.save(update_fields=["submitted_at", "updated_at"])
        average_score_refresh(proposal_ids=[locked.proposal_id])
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Your review of “%(title)s” was reopened") % {"title": locked.proposal.title}
            body = "\n".join([
                str(_("The panel's chair reopened your submitted review of “%(title)s”, so you can change it and "
                      "submit it again. Their reason:") % {"title": locked.proposal.title}),
                reason.strip(), "", absolute_reverse("admin:projects_proposal_score", locked.proposal_id),
            ])
        queue_mail(to=locked.reviewer.email, subject=str(subject), body=body)
    return locked


def _tell_chair_when_complete(panel, *, now=None):
    """Once every member who is not excluded has submitted every review of the panel, mail the chair (once). The
    caller holds the panel's row lock."""
    if panel.chair_notified_at or not panels.all_scores_in(panel):
        return
    chair = panel.members.select_related("user").filter(is_chair=True).first()
    panel.chair_notified_at = now or timezone.now()
    panel.save(update_fields=["chair_notified_at"])
    if chair is None or not chair.user.is_active:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Panel “%(panel)s”: all scores are in") % {"panel": panel}
        body = "\n".join([
            str(_("Every member of the panel “%(panel)s” has submitted their reviews. Staff can now close the "
                  "scoring; the panel's summary:") % {"panel": panel}),
            absolute_reverse("admin:projects_panel_summary", panel.pk),
        ])
    queue_mail(to=chair.user.email, subject=str(subject), body=body)


def _mail_assignment(member):
    panel = member.panel
    with translation.override(settings.LANGUAGE_CODE):
        params = {"panel": str(panel), "starts": _local_text(panel.starts_at), "deadline": _local_text(panel.deadline)}
        subject = _("You sit on the review panel “%(panel)s”") % params
        lines = [
            str(_("You have been appointed to the review panel “%(panel)s”%(chair)s. The evaluation starts on "
                  "%(starts)s; submit your scores by %(deadline)s.") % {
                **params, "chair": _(" as its chair") if member.is_chair else ""}),
            "",
            str(_("Before you read a proposal, declare whether you have a conflict of interest with its consortium "
                  "(relatives, joint research or employment in the last 3 years, a competing proposal, teacher and "
                  "student). Your proposals:")),
            absolute_reverse("admin:projects_proposal_changelist"),
        ]
    queue_mail(to=member.user.email, subject=str(subject), body="\n".join(lines))


def _local_text(moment):
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def review_reminders_send(*, now=None, before=None):
    """Remind, once each, the panel members who still owe a declaration or a review, in the days before the
    deadline of an open panel (REMIND_BEFORE). Returns how many were reminded; safe to run twice."""
    import datetime

    now = now or timezone.now()
    before = before or REMIND_BEFORE
    sent = 0
    due = Panel.objects.filter(status=Panel.Status.OPEN, deadline__gt=now, deadline__lte=now + before,
                               starts_at__lte=now).select_related("call")
    for panel in due:
        for member in panels.unfinished_members(panel):
            if member.reminded_at:
                continue
            with transaction.atomic():
                locked = PanelMember.objects.select_for_update().select_related("user").get(pk=member.pk)
                if locked.reminded_at:
                    continue  # another run was first
                locked.reminded_at = now
                locked.save(update_fields=["reminded_at"])
                if locked.user.is_active:
                    _mail_reminder(locked, panel, left=max(datetime.timedelta(0), panel.deadline - now))
                    sent += 1
    return sent


def _mail_reminder(member, panel, *, left):
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Reminder: scores for “%(panel)s” are due %(deadline)s") % {
            "panel": panel, "deadline": _local_text(panel.deadline)}
        body = "\n".join([
            str(_("Some proposals of the review panel “%(panel)s” still wait for your declaration or your "
                  "submitted review. Scoring closes at %(deadline)s.") % {
                "panel": panel, "deadline": _local_text(panel.deadline)}),
            "", absolute_reverse("admin:projects_proposal_changelist"),
        ])
    queue_mail(to=member.user.email, subject=str(subject), body=body)




# --- 기피: the lead asks to exclude an evaluator ------------------------------------------------------------------

CHALLENGEABLE = (S.SUBMITTED, S.UNDER_REVIEW)


def challenge_problem(proposal, now=None):
    """Why the lead cannot ask to exclude an evaluator now, or None."""
    if proposal.status not in CHALLENGEABLE:
        return _("A request to exclude an evaluator can be made once the proposal is submitted and until its "
                 "evaluation starts.")
    panel = Panel.objects.filter(assignments__proposal=proposal).first()
    if panel is not None and panel.has_started(now):
        return _("The evaluation of this proposal has started: evaluators can no longer be challenged.")
    return None


def challenge_file(*, proposal, by, person_name, reason, person_affiliation="", now=None):
    if not can_manage(by, proposal):
        raise PermissionDenied
    if not person_name.strip() or not reason.strip():
        raise ValidationError(_("Name the evaluator and give your reason."))
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        problem = challenge_problem(locked, now)
        if problem:
            raise WorkflowError(problem, code="too_late")
        challenge = ChallengeRequest(
            proposal=locked, person_name=person_name.strip(), person_affiliation=person_affiliation.strip(),
            reason=reason.strip(), filed_by=by, filed_at=now or timezone.now(),
        )
        challenge.full_clean()
        challenge.save()
    return challenge


def challenge_match(*, challenge, evaluator, by):
    """Staff name the panel member a pending request means (None: nobody on the panel)."""
    _require_decider(by)
    with transaction.atomic():
        locked = ChallengeRequest.objects.select_for_update().get(pk=challenge.pk)
        if locked.status != D.PENDING:
            raise WorkflowError(_("This request has been decided: its evaluator can no longer change."),
                                code="decided")
        if evaluator is not None and not PanelMember.objects.filter(
                user=evaluator, panel__assignments__proposal_id=locked.proposal_id).exists():
            raise ValidationError({"evaluator": _("%(user)s does not sit on the panel evaluating this proposal.")
                                   % {"user": evaluator}})
        locked.evaluator = evaluator
        locked.save(update_fields=["evaluator"])
    challenge.evaluator = evaluator
    return locked


def challenge_transition(*, challenge, action, by, note="", now=None):
    """Uphold or dismiss a 기피 request (ChallengeRequest.WORKFLOW); upheld, it excludes the matched member."""
    spec = ChallengeRequest.WORKFLOW[action]
    if not (by.is_active and by.is_staff and by.has_perm(spec.permission)):
        raise PermissionDenied
    now = now or timezone.now()
    with transaction.atomic():
        locked = ChallengeRequest.objects.select_for_update().select_related("proposal__call", "proposal__lead").get(
            pk=challenge.pk)
        ChallengeRequest.WORKFLOW.check(action, current=locked.status, seen=challenge.status, note=note)
        locked.status, locked.decided_by, locked.decided_at, locked.note = spec.target, by, now, note
        locked.save(update_fields=["status", "decided_by", "decided_at", "note"])
        if spec.target == D.UPHELD and locked.evaluator_id:
            panel = Panel.objects.select_for_update().filter(assignments__proposal_id=locked.proposal_id).first()
            if panel is not None:
                _tell_chair_when_complete(panel, now=now)
        _mail_lead_decision(locked.proposal, what="challenge", outcome=locked, note=note)
    challenge.status, challenge.decided_at = locked.status, locked.decided_at
    return locked


def _mail_lead_decision(proposal, *, what, outcome, note):
    recipients = _emails(proposal.manager_memberships())
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        params = {"title": proposal.title, "status": outcome.get_status_display(),
                  "name": getattr(outcome, "person_name", "")}
        if what == "challenge":
            subject = _("“%(title)s”: your request to exclude %(name)s was %(status)s") % params
        else:
            subject = _("“%(title)s”: your objection was %(status)s") % params
        lines = [str(subject)]
        if note:
            lines += ["", str(_("Note from the alliance:")), note]
        lines += ["", str(_("See the proposal on the portal:")), absolute_reverse("my-proposals:detail", proposal.pk)]
    queue_mail(to=recipients, subject=str(subject), body="\n".join(lines))


# --- 이의신청: the lead objects to the result --------------------------------------------------------------------


def objection_deadline(proposal):
    """The end of the period in which the lead may object (None before the decision)."""
    if not proposal.decided_at:
        return None
    return proposal.decided_at + datetime.timedelta(days=proposal.call.objection_days)


def objection_problem(proposal, now=None):
    """Why the lead cannot object now, or None."""
    now = now or timezone.now()
    if not proposal.is_decided:
        return _("An objection can be filed once the proposal has been decided.")
    if Objection.objects.filter(proposal=proposal).exists():
        return _("An objection to this result has already been filed.")
    deadline = objection_deadline(proposal)
    if deadline is None or now >= deadline:
        return _("The period for objections ended on %(date)s.") % {"date": _local_text(deadline or now)}
    return None


def objection_file(*, proposal, by, reason, document, now=None):
    if not can_manage(by, proposal):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for your objection.")})
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().select_related("call").get(pk=proposal.pk)
        problem = objection_problem(locked, now)
        if problem:
            raise WorkflowError(problem, code="not_now")
        OBJECTION_UPLOAD.validate(document, field="document")
        objection = Objection(proposal=locked, reason=reason.strip(), document=document, filed_by=by,
                              filed_at=now or timezone.now())
        keep_original_name(objection, "document", "document_name")
        objection.full_clean()
        with new_files_discarded_on_error(objection):
            objection.save()
    return objection


def objection_transition(*, objection, action, by, note="", now=None):
    """Uphold or dismiss an objection (Objection.WORKFLOW), with a note for the lead; recorded and mailed."""
    spec = Objection.WORKFLOW[action]
    if not (by.is_active and by.is_staff and by.has_perm(spec.permission)):
        raise PermissionDenied
    with transaction.atomic():
        locked = Objection.objects.select_for_update().select_related("proposal__call", "proposal__lead").get(
            pk=objection.pk)
        Objection.WORKFLOW.check(action, current=locked.status, seen=objection.status, note=note)
        locked.status, locked.decided_by, locked.decided_at, locked.note = spec.target, by, now or timezone.now(), note
        locked.save(update_fields=["status", "decided_by", "decided_at", "note"])
        _mail_lead_decision(locked.proposal, what="objection", outcome=locked, note=note)
    objection.status, objection.decided_at = locked.status, locked.decided_at
    return locked
