"""A company's proposals under /my/proposals/.

Every lookup goes through `_visible_proposal` / `_managed_proposal`, scoped to the user's
organisation, and refuses by the policy of members.access: a proposal the organisation neither
leads nor takes part in is a 404; reading it without the role to change it, a 403 that says so.
People of the lead and of the participants read; only the lead's owners and managers write.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from members.access import require_manager
from members.models import Membership
from portal import once, pagecache, reauth
from portal.access import Refused, staff_may_read_private_files
from portal.files import is_new_upload, serve_private_file
from portal.workflow import WorkflowError
from projects import panels, revisions, rules, search, services, threads
from projects.forms import (
    MAX_EXTRA_ROWS,
    MIN_EXTRA_ROWS,
    AnnexForm,
    ChallengeForm,
    MessageForm,
    NoteForm,
    ObjectionForm,
    PartnerLineForm,
    ProposalForm,
    SearchForm,
    kpi_formset,
    participant_formset,
)
from projects.models import Annex, Call, Message, Objection, Participant, Proposal, Submission, SubmittedFile

LEAD_MANAGER_NEEDED = _("Only the owners and managers of the lead organisation may change this proposal.")


def _visible_proposal(membership, pk):
    organization = membership.organization if membership else None
    return get_object_or_404(
        Proposal.objects.visible_to(organization).select_related("call", "lead", "industry"), pk=pk
    )


def _managed_proposal(request, pk):
    membership = Membership.objects.of(request.user)
    proposal = _visible_proposal(membership, pk)
    if not proposal.is_managed_by(membership):
        raise Refused(LEAD_MANAGER_NEEDED)
    return proposal


def _document_proposal(request, pk):
    """Documents: the consortium's people, and staff with MFA allowed to view proposals; a reviewer who does not
    decide only on the proposals of their panels that they declared no conflict with (projects.panels)."""
    user = request.user
    if staff_may_read_private_files(user, "projects.view_proposal"):
        if not panels.restricted(user):
            return get_object_or_404(Proposal, pk=pk)
        proposal = Proposal.objects.filter(pk=pk).first()
        if proposal is not None and panels.standing(user, proposal).clear:
            return proposal
    return _visible_proposal(Membership.objects.of(user), pk)


@login_required
def proposal_list(request):
    membership = Membership.objects.of(request.user)
    if membership is None:
        return _proposal_list(request, None)
    # Stored per organisation and viewer: proposals, partners, calls and organisations move the data version, the
    # viewer's role the organisation's (portal.pagecache.scoped_page); calls open and close on its schedule.
    return pagecache.scoped_page(request, membership.organization_id, lambda: _proposal_list(request, membership),
                                 vary=(membership.pk, membership.role))


def _proposal_list(request, membership):
    org = membership.organization if membership else None
    proposals = (
        Proposal.objects.visible_to(org).select_related("call", "lead").order_by("-updated_at", "-pk")
    )
    # The organisation was read in this request: its status answers approved() without another query.
    can_start = bool(org and membership.can_manage and org.may_take_part())
    return render(request, "projects/proposal_list.html", {
        "organization": org,
        "proposals": proposals,
        "open_calls": Call.objects.open().order_by("closes_at") if can_start else [],
        "can_start": can_start,
    })


def _own_participation(request, pk):
    """The signed-in manager's organisation's line in another lead's proposal `pk`: 404 for anyone whose organisation
    is not a partner in it (the lead's people included: the lead writes its own line in the proposal form), 403 for a
    partner's plain member."""
    membership = Membership.objects.of(request.user)
    if membership is None:
        raise Http404
    participant = get_object_or_404(
        Participant.objects.partners().select_related("proposal__call", "proposal__lead", "organization"),
        proposal_id=pk, organization_id=membership.organization_id,
    )
    require_manager(membership)
    return participant


def _extra_rows(request):
    try:
        rows = int(request.GET.get("rows", MIN_EXTRA_ROWS))
    except ValueError:
        rows = MIN_EXTRA_ROWS
    return max(MIN_EXTRA_ROWS, min(rows, MAX_EXTRA_ROWS))


def _edit(request, proposal):
    """Create or edit a proposal with its consortium and KPIs in one form that needs no JavaScript.

    "Add rows" saves the draft and reloads with more empty rows (with JavaScript, rows are added in the page
    instead: static/js/formset-rows.js); "Submit" applies every submission rule to the formsets as well, then
    submits through the service.
    """
    rows = _extra_rows(request)
    action = request.POST.get("action", "save")
    complete = action == "submit"
    Participants, KPIs = participant_formset(rows), kpi_formset(rows)
    is_new = proposal.pk is None
    initial = [{"organization": proposal.lead, "role": Participant.Role.LEAD}] if is_new else None
    if request.method == "POST":
        form = ProposalForm(request.POST, request.FILES, instance=proposal)
        participants = Participants(request.POST, instance=proposal, prefix="participants", complete=complete)
        kpis = KPIs(request.POST, instance=proposal, prefix="kpis")
        if form.is_valid() and participants.is_valid() and kpis.is_valid():
            try:
                proposal = _save_draft(request, proposal, form, participants, kpis)
            except once.AlreadyDone as done:
                messages.info(request, done.message)
                return redirect(done.url or "my-proposals:list")
            except once.Expired as expired:
                form.add_error(None, expired.message)
                return _form_page(request, proposal, form, participants, kpis, is_new, rows)
            except WorkflowError as error:
                messages.error(request, error.message)
                return redirect("my-proposals:detail", pk=proposal.pk)
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
                _keep_document(request, proposal, form)
                return _form_page(request, proposal, form, participants, kpis, is_new, rows)
            if action == "add-rows":
                return redirect(f"{reverse('my-proposals:edit', args=[proposal.pk])}?rows={rows + 3}")
            if action == "find":
                return redirect(f"{reverse('my-proposals:organization-search')}?proposal={proposal.pk}")
            if complete:
                return _submit(request, proposal)
            messages.success(request, _("The draft was saved."))
            return redirect("my-proposals:detail", pk=proposal.pk)
        _keep_document(request, proposal, form)
    else:
        form = ProposalForm(instance=proposal)
        picked = _picked(request) if not is_new else None
        if picked is not None:
            # Back from the search step (projects.search): the chosen organisation fills the first empty row.
            initial = [{"organization": picked, "role": Participant.Role.RESEARCH_PARTNER}]
        participants = Participants(instance=proposal, prefix="participants", initial=initial)
        kpis = KPIs(instance=proposal, prefix="kpis")
    return _form_page(request, proposal, form, participants, kpis, is_new, rows)


def _keep_document(request, proposal, form):
    """A new document sent with a form that came back with errors is stored with the draft, if there is one, so
    it need not be chosen again; a first create has no draft to keep it with, and its page asks for it again."""
    document = form.cleaned_data.get("document")
    if proposal.pk is None or "document" in form.errors or not is_new_upload(document):
        return
    try:
        kept = services.proposal_keep_document(proposal=proposal, document=document, by=request.user)
    except (ValidationError, WorkflowError):
        return  # the page then asks for the file again, as for a first create
    proposal.document, proposal.document_name = kept.document, kept.document_name
    form.kept_uploads = {"document"}


def _picked(request):
    """The organisation chosen on the search step (?pick=<business number>), found by the search's own rule."""
    number = request.GET.get("pick", "")
    found = search.resolve(number) if number else None
    return found if found is not search.AMBIGUOUS else None


def _form_page(request, proposal, form, participants, kpis, is_new, rows):
    return render(request, "projects/proposal_form.html", {
        "proposal": proposal, "call": proposal.call, "form": form, "participants": participants, "kpis": kpis,
        "is_new": is_new, "rows": rows,
        # The budget rules for the live check as amounts are typed (static/js/proposal-totals.js).
        "live_rules": rules.live_rules(proposal.call, [proposal.lead, *participants.named_organizations()]),
    })


def _rows(formset, fields):
    """A valid formset as plain rows for the service: the filled-in forms, each with its stored id."""
    return [
        {"id": form.instance.pk, "delete": bool(form.cleaned_data.get("DELETE")),
         **{name: form.cleaned_data.get(name) for name in fields}}
        for form in formset.forms
        if form.cleaned_data and (form.instance.pk is not None or not form.cleaned_data.get("DELETE"))
    ]


def _save_draft(request, proposal, form, participants, kpis):
    """Save through the service; a new draft spends the form's one-time token, so a double click makes one."""
    if proposal.pk is not None:
        return _saved_draft(request, proposal, form, participants, kpis)
    with once.spend(request, "my-proposals:create") as spent:
        proposal = _saved_draft(request, None, form, participants, kpis)
        spent.leads_to(reverse("my-proposals:detail", args=[proposal.pk]))
    return proposal


def _saved_draft(request, proposal, form, participants, kpis):
    data = {name: form.cleaned_data[name] for name in (*services.PROPOSAL_FIELDS, "ai_areas")}
    document = form.cleaned_data.get("document")
    return services.proposal_save_draft(
        proposal=proposal, call=form.instance.call, lead=form.instance.lead, data=data,
        participants=_rows(participants, services.PARTICIPANT_FIELDS), kpis=_rows(kpis, services.KPI_FIELDS),
        # The form hands back the stored file when nothing new was chosen: the service keeps it.
        document=document if is_new_upload(document) else None, by=request.user,
    )


@login_required
def proposal_create(request, call_pk):
    membership = Membership.objects.of(request.user)
    if membership is None:
        raise Http404
    require_manager(membership)
    org = membership.organization
    call = get_object_or_404(Call.objects.open(), pk=call_pk)
    if not org.may_take_part():  # read in this request: the rule of approved() without another query
        messages.error(request, rules.not_approved_message(org))
        return redirect("my-proposals:list")
    return _edit(request, Proposal(call=call, lead=org, industry_id=org.industry_id))


@login_required
def proposal_edit(request, pk):
    proposal = _managed_proposal(request, pk)
    if not proposal.is_editable:
        messages.error(request, _("This proposal can no longer be edited."))
        return redirect("my-proposals:detail", pk=proposal.pk)
    return _edit(request, proposal)


@login_required
def proposal_detail(request, pk):
    membership = Membership.objects.of(request.user)
    proposal = _visible_proposal(membership, pk)
    participants = list(proposal.participants.select_related("organization"))
    for participant in participants:
        participant.proposal = proposal  # is_partner reads the lead without another query
    is_lead = membership is not None and membership.organization_id == proposal.lead_id
    own = next((p for p in participants if membership and p.organization_id == membership.organization_id), None)
    context = {
        "proposal": proposal,
        "participants": participants,
        # A partner sees the consortium's names, roles, answers and totals, and the amounts of its own line only.
        "is_lead": is_lead,
        "own_line": None if is_lead else own,
        "can_answer": bool(not is_lead and own and membership.can_manage and proposal.is_editable),
        # The partner's part of the conversation with the alliance (projects.threads): its owners and managers.
        "part_messages": bool(not is_lead and own and membership.can_manage),
        "tier_mix": rules.tier_mix([rules.Line.of(p) for p in participants if p.is_counted]) if is_lead else None,
        "consent_history": proposal.consent_history.select_related("organization", "by") if is_lead else (),
        "kpis": proposal.kpis.all(),
        "annexes": proposal.annexes.all(),
        "ai_areas": proposal.ai_areas.all(),
        # Each "submitted" links to the version it sent (its snapshot is not needed here).
        "history": proposal.history.select_related("by", "submission").defer("submission__snapshot"),
        "can_manage": proposal.is_managed_by(membership),
        "note_form": NoteForm(),
        "annex_form": AnnexForm(),
    }
    if context["can_manage"] and proposal.is_editable:
        context["problems"] = proposal.submission_problems()
    if is_lead:
        context.update(_review_context(proposal, can_manage=context["can_manage"]))
    return render(request, "projects/proposal_detail.html", context)


def _submit(request, proposal):
    """Submitting asks for a recent re-authentication (portal.reauth). Without it the person goes to the submit
    page, which asks for it and then shows the submit button again; a draft sent with "submit" is saved first.
    A proposal the rules refuse anyway is not asked about: the service refuses it with the reasons, as before."""
    ready = proposal.is_editable and not proposal.submission_problems()
    if ready and not reauth.confirmed_recently(request):
        return reauth.confirm_at(request, reverse("my-proposals:submit", args=[proposal.pk]))
    try:
        services.proposal_submit(proposal=proposal, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("my-proposals:detail", pk=proposal.pk)
    except WorkflowError as error:
        messages.error(request, error.message)
        return redirect("my-proposals:detail", pk=proposal.pk)
    messages.success(request, _("The proposal was submitted. The alliance will review it."))
    return redirect("my-proposals:detail", pk=proposal.pk)


@login_required
@require_http_methods(["GET", "POST"])
def proposal_submit(request, pk):
    """POST submits; GET is the confirmation page a lapsed re-authentication leads to (it asks for one first)."""
    proposal = _managed_proposal(request, pk)
    if request.method == "POST":
        return _submit(request, proposal)
    if not proposal.is_editable:
        return redirect("my-proposals:detail", pk=proposal.pk)
    reauth.require_fresh(request)
    return render(request, "projects/proposal_submit.html", {
        "proposal": proposal, "problems": proposal.submission_problems(),
    })


@login_required
@require_POST
def proposal_withdraw(request, pk):
    proposal = _managed_proposal(request, pk)
    form = NoteForm(request.POST)
    form.is_valid()
    try:
        services.proposal_withdraw(proposal=proposal, by=request.user, note=form.cleaned_data.get("note", ""))
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The proposal was withdrawn."))
    return redirect("my-proposals:detail", pk=proposal.pk)


@login_required
def proposal_document(request, pk):
    proposal = _document_proposal(request, pk)
    if not proposal.document:
        raise Http404
    return serve_private_file(request, proposal.document, download_name=proposal.document_name or "proposal")


@login_required
def annex_download(request, pk, annex_pk):
    proposal = _document_proposal(request, pk)
    annex = get_object_or_404(Annex, proposal=proposal, pk=annex_pk)
    return serve_private_file(request, annex.file, download_name=annex.original_name)


@login_required
@require_POST
def annex_add(request, pk):
    proposal = _managed_proposal(request, pk)
    form = AnnexForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.annex_add(proposal=proposal, uploaded=form.cleaned_data["file"], by=request.user)
        except WorkflowError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The annex was added."))
    else:
        for error in form.errors.get("file", []):
            messages.error(request, error)
    return redirect("my-proposals:detail", pk=proposal.pk)


@login_required
@require_POST
def annex_delete(request, pk, annex_pk):
    proposal = _managed_proposal(request, pk)
    annex = get_object_or_404(Annex.objects.select_related("proposal"), proposal=proposal, pk=annex_pk)
    try:
        services.annex_delete(annex=annex, by=request.user)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The annex was removed."))
    return redirect("my-proposals:detail", pk=proposal.pk)



# --- submitted versions and what changed between them (projects.revisions) -------------------------------------
# The consortium reads them as it reads the proposal: the lead's people see every line, a partner's people the
# amounts of their own line only (in the snapshot and in the diff). Staff read them in the admin.


def _own_lines(membership, proposal):
    """None when the reader sees every line (the lead's people), else the organisation whose line they may see."""
    return None if membership.organization_id == proposal.lead_id else membership.organization_id


def _changes(old, new, own_lines):
    changes = revisions.diff(old.snapshot, new.snapshot)
    return changes if own_lines is None else revisions.for_organization(changes, own_lines)


@login_required
def submission_list(request, pk):
    membership = Membership.objects.of(request.user)
    proposal = _visible_proposal(membership, pk)
    own_lines = _own_lines(membership, proposal)
    submissions = list(proposal.submissions.select_related("submitted_by").order_by("number"))
    for previous, submission in zip([None, *submissions], submissions, strict=False):
        submission.changes = None if previous is None else _changes(previous, submission, own_lines)
    return render(request, "projects/submission_list.html", {
        "proposal": proposal, "submissions": submissions[::-1],  # the latest first
    })


@login_required
def submission_detail(request, pk, number):
    membership = Membership.objects.of(request.user)
    proposal = _visible_proposal(membership, pk)
    submission = get_object_or_404(proposal.submissions.select_related("submitted_by"), number=number)
    other = Submission.objects.to_compare(submission, request.GET.get("against", ""))
    own_lines = _own_lines(membership, proposal)
    return render(request, "projects/submission_detail.html", {
        "proposal": proposal, "submission": submission, "other": other,
        "numbers": list(proposal.submissions.values_list("number", flat=True)),
        "changes": None if other is None else _changes(other, submission, own_lines),
        "snapshot": revisions.readable(submission.snapshot), "own_lines": own_lines,
    })


@login_required
def submission_file(request, pk, number, position):
    """A document as it was submitted: for whoever may download the proposal's documents."""
    proposal = _document_proposal(request, pk)
    submitted = get_object_or_404(
        SubmittedFile, submission__proposal=proposal, submission__number=number, position=position
    )
    return serve_private_file(request, submitted.file, download_name=submitted.original_name)



# --- a partner's side: requests, confirming, its own line ---------------------------------------------------


@login_required
def partner_requests(request):
    """The proposals of other leads that name the user's organisation, waiting answers first."""
    membership = Membership.objects.of(request.user)
    if membership is None:
        raise Http404
    requests = (
        Participant.objects.requests_for(membership.organization)
        .select_related("proposal__lead", "proposal__call")
        .order_by("-proposal__updated_at", "-pk")
    )
    requests = sorted(requests, key=lambda p: p.consent != Participant.Consent.PENDING)  # stable: newest first within
    return render(request, "projects/partner_requests.html", {
        "organization": membership.organization, "requests": requests, "can_answer": membership.can_manage,
        "answer_form": NoteForm(),
    })


@login_required
def participation_edit(request, pk):
    """A partner's owners and managers edit its own budget line and contact person."""
    participant = _own_participation(request, pk)
    if not participant.proposal.is_editable:
        messages.error(request, _("The proposal has been sent: a change to your part now goes through the alliance's "
                                  "request for changes."))
        return redirect("my-proposals:detail", pk=pk)
    if request.method == "POST":
        form = PartnerLineForm(request.POST, instance=participant)
        if form.is_valid():
            try:
                services.participation_save(
                    participant=participant, by=request.user,
                    data={name: form.cleaned_data[name] for name in services.PARTNER_FIELDS},
                )
            except WorkflowError as error:
                messages.error(request, error.message)
                return redirect("my-proposals:detail", pk=pk)
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Your line was saved. The lead was told."))
                return redirect("my-proposals:detail", pk=pk)
    else:
        form = PartnerLineForm(instance=participant)
    return render(request, "projects/participation_form.html", {
        "participant": participant, "proposal": participant.proposal, "form": form,
    })


def _answer(request, pk, action, done):
    participant = _own_participation(request, pk)
    form = NoteForm(request.POST)
    form.is_valid()
    try:
        services.participation_answer(
            participant=participant, action=action, by=request.user, note=form.cleaned_data.get("note", ""),
        )
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    if request.POST.get("back") == "requests":
        return redirect("my-proposals:requests")
    return redirect("my-proposals:detail", pk=pk)


@login_required
@require_POST
def participation_accept(request, pk):
    return _answer(request, pk, "accept", _("You confirmed your part. The lead was told."))


@login_required
@require_POST
def participation_decline(request, pk):
    return _answer(request, pk, "decline", _("You declined to take part. The lead was told."))


@login_required
@require_POST
def participation_withdraw(request, pk):
    return _answer(request, pk, "withdraw", _("You withdrew from the proposal. The lead was told."))


# --- the partner picker ----------------------------------------------------------------------------------------


def _wants_json(request):
    return request.GET.get("format") == "json" or "application/json" in request.headers.get("Accept", "")


@login_required
def organization_search(request):
    """Find approved members to name as partners (projects.search): JSON for the autocomplete, otherwise a page
    with a search form whose results go back into the proposal (?proposal=<id> of a draft the user's company leads).
    For the owners and managers of an organisation only; at most a page of results."""
    membership = Membership.objects.of(request.user)
    if membership is None:
        raise Http404
    require_manager(membership)
    if search.throttled(request.user):
        response = HttpResponse(_("Too many searches: wait a minute and try again."), status=429,
                                content_type="text/plain; charset=utf-8")
        response["Retry-After"] = "60"
        return response
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    results, more = search.find(query)
    if _wants_json(request):
        return JsonResponse({"results": [search.as_json(o) for o in results], "more": more})
    proposal = None
    if request.GET.get("proposal", "").isdigit():
        proposal = Proposal.objects.filter(
            pk=request.GET["proposal"], lead_id=membership.organization_id, status__in=Proposal.EDITABLE
        ).first()
    return render(request, "projects/organization_search.html", {
        "form": form, "query": query, "results": results, "more": more, "page": search.PAGE, "proposal": proposal,
    })


# --- the conversation with the alliance (projects.threads says who reads and writes what) -------------------------

THREAD_ROLE_NEEDED = _("Only the owners and managers of the lead organisation take part in the conversation with "
                       "the alliance.")


def _lead_thread(request, pk):
    """The lead's own proposal `pk`, for its owners and managers: 404 for everyone else's organisation (a partner's
    people included: their part has its own page), 403 for a plain member of the lead."""
    membership = Membership.objects.of(request.user)
    proposal = _visible_proposal(membership, pk)
    if membership.organization_id != proposal.lead_id:
        raise Http404
    if not membership.can_manage:
        raise Refused(THREAD_ROLE_NEEDED)
    return proposal


def _thread_page(request, proposal, loaded, *, partner, url):
    form = MessageForm()
    status = 200
    if request.method == "POST":
        form = MessageForm(request.POST, request.FILES)
        response, status = threads.send(
            request, form, proposal=proposal, side=Message.Side.APPLICANT, partner=partner, url=url,
        )
        if response is not None:
            return response
    if partner is None:
        shown = threads.threads_of(list(loaded))  # the lead's thread, then the partners' parts that have messages
    else:
        shown = [t for t in threads.threads_of(list(loaded), partners=[partner]) if t.partner]
    return render(request, "projects/message_thread.html", {
        "proposal": proposal, "partner": partner, "threads": shown, "form": form,
        "can_write": proposal.status in Proposal.MESSAGES_OPEN,
    }, status=status)


@login_required
def proposal_messages(request, pk):
    """The lead's conversation with the alliance, with its partners' parts to read; a form to write in its own."""
    proposal = _lead_thread(request, pk)
    loaded = proposal.messages.select_related("author", "partner")
    return _thread_page(request, proposal, loaded, partner=None, url=reverse("my-proposals:messages", args=[pk]))


@login_required
def participation_messages(request, pk):
    """A partner's part of the conversation: its messages with the alliance, which the lead reads too."""
    participant = _own_participation(request, pk)
    organization = participant.organization
    loaded = participant.proposal.messages.of_part(organization).select_related("author", "partner")
    return _thread_page(request, participant.proposal, loaded, partner=organization,
                        url=reverse("my-proposals:part-messages", args=[pk]))


@login_required
def message_attachment(request, pk, message_pk):
    """A message's attachment: for whoever may read the message, and staff with MFA allowed to read threads."""
    user = request.user
    if staff_may_read_private_files(user, "projects.view_message") and not panels.restricted(user):
        message = get_object_or_404(Message, proposal_id=pk, pk=message_pk)
    elif staff_may_read_private_files(user, "projects.view_message") and panels.readable_proposals(user).filter(
            pk=pk).exists():
        message = get_object_or_404(Message, proposal_id=pk, pk=message_pk)  # a panel member's proposal
    else:
        membership = Membership.objects.of(user)
        organization = membership.organization if membership else None
        message = get_object_or_404(Message.objects.visible_to(organization), proposal_id=pk, pk=message_pk)
        require_manager(membership)
    if not message.attachment:
        raise Http404
    return serve_private_file(request, message.attachment, download_name=message.attachment_name)


# --- review by panels: what the lead sees after the decision, 기피 and 이의신청 (issue 16) ---------------------------


def _review_context(proposal, *, can_manage):
    """The lead's part of its proposal page: the disclosed result after the decision, its 기피 requests and its
    objection (with their outcomes, in the timeline too), and whether it may file one now."""
    objection = proposal.objections.first()
    return {
        "disclosure": panels.disclosure(proposal),
        "challenges": list(proposal.challenges.all()),
        "objection": objection,
        "may_challenge": can_manage and services.challenge_problem(proposal) is None,
        "may_object": can_manage and services.objection_problem(proposal) is None,
        "objection_deadline": services.objection_deadline(proposal),
    }


@login_required
def proposal_challenge(request, pk):
    """The lead's owners and managers ask to exclude an evaluator (기피) before the evaluation starts."""
    proposal = _managed_proposal(request, pk)
    problem = services.challenge_problem(proposal)
    form = ChallengeForm(request.POST or None)
    if request.method == "POST" and problem is None and form.is_valid():
        try:
            services.challenge_file(proposal=proposal, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Your request was sent. The alliance decides it before the evaluation "
                                        "starts and tells you the outcome."))
            return redirect("my-proposals:detail", pk=proposal.pk)
    return render(request, "projects/proposal_challenge.html", {
        "proposal": proposal, "form": form, "problem": problem, "challenges": proposal.challenges.all(),
    })


@login_required
def proposal_objection(request, pk):
    """The lead's owners and managers object to the result (이의신청) within the call's period after the decision."""
    proposal = _managed_proposal(request, pk)
    problem = services.objection_problem(proposal)
    form = ObjectionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and problem is None and form.is_valid():
        try:
            services.objection_file(proposal=proposal, by=request.user, reason=form.cleaned_data["reason"],
                                    document=form.cleaned_data["document"])
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Your objection was filed. The alliance answers it and tells you the "
                                        "outcome."))
            return redirect("my-proposals:detail", pk=proposal.pk)
    return render(request, "projects/proposal_objection.html", {
        "proposal": proposal, "form": form, "problem": problem, "objection": proposal.objections.first(),
        "deadline": services.objection_deadline(proposal),
    })


@login_required
def objection_document(request, pk):
    """The objection's document: the lead's people, and staff with MFA allowed to view objections."""
    user = request.user
    if staff_may_read_private_files(user, "projects.view_objection"):
        objection = get_object_or_404(Objection, proposal_id=pk)
    else:
        membership = Membership.objects.of(user)
        proposal = _visible_proposal(membership, pk)
        if membership.organization_id != proposal.lead_id:
            raise Http404  # partners do not see the lead's objection
        objection = get_object_or_404(Objection, proposal=proposal)
    return serve_private_file(request, objection.document, download_name=objection.document_name or "objection")
