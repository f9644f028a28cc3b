"""The person's rights on their account pages: a copy of their data, erasing the account, coming back from
dormancy (privacy.rights, privacy.dormancy)."""

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from portal.files import serve_private_file
from portal.throttle import over_limit
from privacy import dormancy, exports, registry, rights
from privacy.forms import DormantRestoreForm, ErasureConfirmForm
from privacy.models import DataExport, DormantAccount


@login_required
@require_http_methods(["GET", "POST"])
def my_data(request):
    """Ask for a copy of one's data; the page lists the recent requests."""
    if request.method == "POST":
        try:
            rights.export_request(user=request.user)
        except ValidationError as error:
            messages.info(request, error.messages[0])
        else:
            messages.success(request, _("Your data is being prepared: a link to download it will come by mail."))
        return redirect("privacy:data")
    return render(request, "privacy/my_data.html", {
        "exports": DataExport.objects.filter(user=request.user)[:10],
        "sections": registry.sections(),
        "days": exports.link_days(),
    })


@login_required
@require_safe
def export_download(request, token):
    """The export's file, for the person it was made for only; an expired link says so."""
    try:
        export = exports.export_from_token(token, user=request.user)
    except signing.SignatureExpired:
        return render(request, "privacy/export_expired.html", {"days": exports.link_days()}, status=410)
    except DataExport.DoesNotExist:
        raise Http404 from None
    if export.is_expired():
        return render(request, "privacy/export_expired.html", {"days": exports.link_days()}, status=410)
    return serve_private_file(request, export.file, download_name=f"data-{export.ready_at:%Y%m%d}.zip")


@login_required
@reauthentication_required(allow_get=True)
@require_http_methods(["GET", "POST"])
def account_delete(request):
    """What erasing the account does, then (after re-authenticating: allauth asks and comes back here) doing it."""
    obstacles = registry.obstacles(request.user)
    form = ErasureConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and not obstacles and form.is_valid():
        try:
            rights.person_erase(user=request.user)
        except ValidationError as error:
            obstacles = error.messages
        else:
            logout(request)
            messages.success(request, _("Your account is erased. Thank you for having taken part in the alliance."))
            return redirect("home")
    return render(request, "privacy/account_delete.html", {"form": form, "obstacles": obstacles},
                  status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
def dormant(request):
    """A dormant account's person asks for the link that brings it back (mailed to the address, if dormant)."""
    form = DormantRestoreForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        # The same answer whether the address is dormant or not; a few tries a minute per address at most.
        if not over_limit(f"dormant:{form.cleaned_data['email'].lower()}", per_minute=3):
            dormancy.restore_request(email=form.cleaned_data["email"])
        messages.success(request, _("If a dormant account has this address, a link to restore it is on its way."))
        return redirect("privacy:dormant")
    return render(request, "privacy/dormant.html", {"form": form, "days": settings.PRIVACY_DORMANT_AFTER_DAYS})


@require_http_methods(["GET", "POST"])
def dormant_restore(request, token):
    """The mailed link: confirm, and the account is back (sign in as before)."""
    try:
        account = dormancy.dormant_from_token(token)
    except DormantAccount.DoesNotExist:
        raise Http404 from None
    if request.method == "POST":
        try:
            dormancy.account_restore(dormant=account)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("privacy:dormant")
        messages.success(request, _("Your account is restored: sign in as before."))
        return redirect("account_login")
    return render(request, "privacy/dormant_restore.html", {"email": account.email})
