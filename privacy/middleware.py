from django.conf import settings
from django.db import DatabaseError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from privacy import consents


class ConsentMiddleware:
    """A signed-in person who owes an answer (privacy.consents) is sent to the page that asks for it.

    Staff too, in the admin as everywhere. What stays open meanwhile: that page, signing out, the policy
    texts themselves, the language switch, static files and the probes.

    It runs once the address has found its view (a 404 of the resolver reads no session, as before), and
    it steps aside when the database does not answer: the view then fails its own way (a 503, or the 500
    of a bug), as it would without this check."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._open = None

    def open_prefixes(self):
        if self._open is None:
            self._open = tuple(reverse(name) for name in (
                "privacy:renew", "account_logout", "privacy", "terms", "set_language", "switch-language", "healthz",
                "robots-txt", "favicon",
            )) + (reverse("privacy:policy", args=["x"]).removesuffix("x/"), "/" + settings.STATIC_URL.lstrip("/"))
        return self._open

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(self.open_prefixes()):
            return None
        try:
            user = getattr(request, "user", None)
            if user is None or not user.is_authenticated or consents.meets_requirements(request):
                return None
        except DatabaseError:
            return None
        return redirect(f"{reverse('privacy:renew')}?{urlencode({'next': request.get_full_path()})}")
