from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from portal.audit import client_address
from portal.pagecache import public_page
from privacy import consents
from privacy.forms import MailingChoiceForm, RenewalForm
from privacy.models import CONSENT_KINDS, ConsentRecord, Kind, PolicyVersion

# The parts of the privacy policy that come from the settings, where its text names them (privacy.first_versions).
GENERATED = {
    "third-parties": ("privacy/includes/third_parties.html", "PORTAL_PRIVACY_THIRD_PARTIES"),
    "processors": ("privacy/includes/processors.html", "PORTAL_PRIVACY_PROCESSORS"),
    "officer": ("privacy/includes/officer.html", "PORTAL_PRIVACY_OFFICER"),
}


def _body(version):
    html = version.body_html()
    if version.kind == Kind.PRIVACY:
        for marker, (template, setting) in GENERATED.items():
            part = render_to_string(template, {"value": getattr(settings, setting)})
            html = html.replace(f"<p>[[{marker}]]</p>", part)
    return mark_safe(html)  # noqa: S308 (sanitised Markdown, and our own templates' output)


def _kind(kind):
    if kind not in Kind.values:
        raise Http404
    return Kind(kind)


def _page(request, kind, version):
    today = timezone.localdate()
    published = list(PolicyVersion.objects.published().filter(kind=kind).order_by("-number"))
    in_force = [v for v in published if v.effective_on <= today]
    current = in_force[0] if in_force else None
    upcoming = next((v for v in reversed(published) if v.effective_on > today), None)
    if version is None:
        version = current
        if version is None:
            raise Http404
    return render(request, "privacy/policy.html", {
        "kind": kind, "version": version, "body": _body(version), "current": current, "upcoming": upcoming,
        "versions": published, "is_current": current is not None and version.pk == current.pk,
        "is_upcoming": version.effective_on > today,
    })


def _current(request, kind):
    return _page(request, _kind(kind), None)


def _version(request, kind, number):
    kind = _kind(kind)
    version = get_object_or_404(PolicyVersion.objects.published(), kind=kind, number=number)
    return _page(request, kind, version)


# Fixed texts until a version is published, so served from the page cache (PolicyVersion is watched).
policy = public_page(_current)
policy_version = public_page(_version)


@public_page
def privacy(request):
    """The privacy policy in force: the footer's first link, at its own short address."""
    return _page(request, Kind.PRIVACY, None)


@public_page
def terms(request):
    return _page(request, Kind.TERMS, None)


def _next_url(request):
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return candidate
    return settings.LOGIN_REDIRECT_URL


@login_required
def renew(request):
    """The versions the person owes an answer to (privacy.consents), asked before anything else."""
    needed = consents.requirements()
    kinds = consents.pending_kinds(request.user, needed)
    next_url = _next_url(request)
    if not kinds:
        consents.mark_met(request, needed)
        return redirect(next_url)
    form = RenewalForm(request.POST if request.method == "POST" else None, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        consents.record_consents(user=request.user, answers=form.consent_answers(),
                                 source=ConsentRecord.Source.RENEWAL, ip_address=client_address(request),
                                 versions=form.consent_versions)
        consents.mark_met(request)
        messages.success(request, _("Thank you: your answers are recorded."))
        return redirect(next_url)
    return render(request, "privacy/renew.html", {"form": form, "next": next_url})


@login_required
def account_consents(request):
    """What the person agreed to, and the one choice they may change here: the mailing."""
    answer = consents.mailing_answer(request.user)
    mailing_on = answer is not None and answer.granted
    form = MailingChoiceForm(request.POST if request.method == "POST" else None, initial={"mailing": mailing_on})
    if request.method == "POST" and form.is_valid():
        wanted = form.cleaned_data["mailing"]
        if wanted != mailing_on:
            consents.record_consents(user=request.user, answers={Kind.MAILING: wanted},
                                     source=ConsentRecord.Source.ACCOUNT, ip_address=client_address(request))
            messages.success(request, _("You will receive mail about alliance news and events.") if wanted
                             else _("You will no longer receive mail about alliance news and events."))
        else:
            messages.info(request, _("Nothing changed."))
        return redirect("privacy:consents")
    latest = ConsentRecord.objects.latest_by_kind(request.user)
    current = consents.current_versions(CONSENT_KINDS)
    return render(request, "privacy/account_consents.html", {
        "form": form,
        "answers": [(Kind(kind).label, latest.get(kind), current.get(kind)) for kind in CONSENT_KINDS],
        "records": request.user.consent_records.select_related("version")[:100],
    })
