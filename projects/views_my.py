"""A company's proposals under /my/proposals/.

Every lookup goes through `_visible_proposal` / `_managed_proposal`, scoped to the user's
organisation, and refuses by the policy of members.access: a proposal the organisation neither
leads nor takes part in is a 404; reading it without the role to change it, a 403 that says so.
People of the lead and of the participants read; only the lead's owners and managers write.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from members.access import require_manager
from members.models import Membership
from portal import once
from portal.access import Refused, staff_may_read_private_files
from portal.files import is_new_upload, serve_private_file
from portal.workflow import WorkflowError
from projects import rules, services
from projects.forms import (
    MAX_EXTRA_ROWS,
    MIN_EXTRA_ROWS,
    AnnexForm,
    NoteForm,
    ProposalForm,
    kpi_formset,
    participant_formset,
)
from projects.models import Annex, Call, Participant, Proposal

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
    """Documents: the consortium's people, and staff with MFA allowed to view proposals."""
    user = request.user
    if staff_may_read_private_files(user, "projects.view_proposal"):
        return get_object_or_404(Proposal, pk=pk)
    return _visible_proposal(Membership.objects.of(user), pk)


@login_required
def proposal_list(request):
    membership = Membership.objects.of(request.user)
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


def _extra_rows(request):
    try:
        rows = int(request.GET.get("rows", MIN_EXTRA_ROWS))
    except ValueError:
        rows = MIN_EXTRA_ROWS
    return max(MIN_EXTRA_ROWS, min(rows, MAX_EXTRA_ROWS))


def _edit(request, proposal):
    """Create or edit a proposal with its consortium and KPIs in one form that needs no JavaScript.

    "Add rows" saves the draft and reloads with more empty rows; "Submit" applies every
    submission rule to the formsets as well, then submits through the service.
    """
    rows = _extra_rows(request)
    action = request.POST.get("action", "save")
    complete = action == "submit"
    Participants, KPIs = participant_formset(rows), kpi_formset(rows)
    is_new = proposal.pk is None
    initial = [{"organization": proposal.lead_id, "role": Participant.Role.LEAD}] if is_new else None
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
            if complete:
                return _submit(request, proposal)
            messages.success(request, _("The draft was saved."))
            return redirect("my-proposals:detail", pk=proposal.pk)
        _keep_document(request, proposal, form)
    else:
        form = ProposalForm(instance=proposal)
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


def _form_page(request, proposal, form, participants, kpis, is_new, rows):
    return render(request, "projects/proposal_form.html", {
        "proposal": proposal, "call": proposal.call, "form": form, "participants": participants, "kpis": kpis,
        "is_new": is_new, "rows": rows,
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
    context = {
        "proposal": proposal,
        "participants": participants,
        "tier_mix": rules.tier_mix([rules.Line.of(p) for p in participants]),
        "kpis": proposal.kpis.all(),
        "annexes": proposal.annexes.all(),
        "ai_areas": proposal.ai_areas.all(),
        "history": proposal.history.select_related("by"),
        "can_manage": proposal.is_managed_by(membership),
        "note_form": NoteForm(),
        "annex_form": AnnexForm(),
    }
    if context["can_manage"] and proposal.is_editable:
        context["problems"] = proposal.submission_problems()
    if proposal.is_decided:
        context["score_summary"] = proposal.score_summary()
        context["review_comments"] = proposal.review_comments()
    return render(request, "projects/proposal_detail.html", context)


def _submit(request, proposal):
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
@require_POST
def proposal_submit(request, pk):
    return _submit(request, _managed_proposal(request, pk))


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

