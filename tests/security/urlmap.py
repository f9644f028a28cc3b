"""Every URL of the portal, read from the URL configuration, and how to fill in its arguments.

The security tests never keep their own list of pages: they walk `get_resolver()` so a
view added tomorrow is tested tomorrow. Each route is known by its `namespace:name`
(or, for the few unnamed ones, by its full pattern), and a route with arguments needs a
row in KWARGS (or a generic admin rule) saying which object of the test world to use;
a route without one makes `concrete_url` fail loudly.
"""

import re
from dataclasses import dataclass

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse


@dataclass(frozen=True)
class Route:
    key: str  # "namespace:name", or the full pattern for an unnamed route
    pattern: str  # the full pattern, prefixes included
    view: str  # dotted path of the callback, for messages
    arg_names: tuple
    callback: object

    @property
    def is_admin(self):
        return self.pattern.startswith("admin/")

    @property
    def takes_args(self):
        return bool(self.arg_names)


def _arg_names(pattern) -> tuple:
    converters = getattr(pattern, "converters", None)
    if converters:
        return tuple(converters)
    regex = pattern.regex
    return tuple(regex.groupindex)


def _walk(patterns, prefix="", namespace=None, inherited=()):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(
                entry.url_patterns, prefix + str(entry.pattern), ns, inherited + _arg_names(entry.pattern)
            )
        elif isinstance(entry, URLPattern):
            full = prefix + str(entry.pattern)
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            key = name or full
            yield Route(
                key=key,
                pattern=full,
                view=entry.lookup_str,
                arg_names=inherited + _arg_names(entry.pattern),
                callback=entry.callback,
            )


def all_routes() -> list[Route]:
    routes = list(_walk(get_resolver().url_patterns))
    keys = [r.key for r in routes]
    duplicates = {k for k in keys if keys.count(k) > 1}
    assert not duplicates, f"two routes share a key (name them): {sorted(duplicates)}"
    return routes


# --- arguments ---------------------------------------------------------------------------------

# Route key -> function(world) returning its URL kwargs. Admin routes of the standard
# ModelAdmin views are handled by `_admin_kwargs` below; everything else needs a row here.
KWARGS = {
    "account_confirm_email": lambda w: {"key": w.email_confirmation_key},
    "account_reset_password_from_key": lambda w: {"uidb36": w.reset_uidb36, "key": w.reset_key},
    "admin:view_on_site": lambda w: w.view_on_site_kwargs(),
    "admin:app_list": lambda w: {"app_label": "members"},
    "admin:auth_user_password_change": lambda w: {"id": w.member_a.pk},
    r"admin/(?P<url>.*)$": lambda w: {"url": "no-such-page/"},
    "admin:news_article_preview": lambda w: {"pk": w.article.pk},
    "admin:projects_proposal_score": lambda w: {"pk": w.proposal.pk},
    "news:detail": lambda w: {"slug": w.article.slug},
    "news:cover": lambda w: {"slug": w.article.slug},
    "stats:chart-csv": lambda w: {"slug": _first_chart_slug()},
    "privacy:policy": lambda w: {"kind": "privacy"},
    "privacy:policy-version": lambda w: {"kind": "terms", "number": 1},
    "privacy:export-download": lambda w: {"token": w.export_token},
    "privacy:dormant-restore": lambda w: {"token": w.dormant_token},
    "members:invitation": lambda w: {"token": w.invitation_token},
    "members:tier-proof": lambda w: {"pk": w.org_a.pk},
    "members:certificate-file": lambda w: {"pk": w.certificate.pk},
    "my:change-request-withdraw": lambda w: {"pk": w.change_request.pk},
    "projects:call-detail": lambda w: {"pk": w.call.pk},
    "projects:project-detail": lambda w: {"pk": w.selected_proposal.pk},
    "organizations:detail": lambda w: {"pk": w.org_c.pk},
    "my-proposals:create": lambda w: {"call_pk": w.call.pk},
    "my-proposals:detail": lambda w: {"pk": w.proposal.pk},
    "my-proposals:edit": lambda w: {"pk": w.proposal.pk},
    "my-proposals:submit": lambda w: {"pk": w.proposal.pk},
    "my-proposals:withdraw": lambda w: {"pk": w.proposal.pk},
    "my-proposals:document": lambda w: {"pk": w.proposal.pk},
    "my-proposals:submissions": lambda w: {"pk": w.revised.pk},
    "my-proposals:submission": lambda w: {"pk": w.revised.pk, "number": 2},
    "my-proposals:submission-file": lambda w: {"pk": w.revised.pk, "number": 1, "position": 1},
    "admin:projects_proposal_submission": lambda w: {"pk": w.revised.pk, "number": 2},
    "my-proposals:part": lambda w: {"pk": w.proposal.pk},
    "my-proposals:part-accept": lambda w: {"pk": w.proposal.pk},
    "my-proposals:part-decline": lambda w: {"pk": w.proposal.pk},
    "my-proposals:part-withdraw": lambda w: {"pk": w.proposal.pk},
    "my-proposals:messages": lambda w: {"pk": w.proposal.pk},
    "my-proposals:part-messages": lambda w: {"pk": w.proposal.pk},
    "my-proposals:message-attachment": lambda w: {"pk": w.proposal.pk, "message_pk": w.message.pk},
    "admin:projects_proposal_messages": lambda w: {"pk": w.proposal.pk},
    "my-proposals:annex-add": lambda w: {"pk": w.proposal.pk},
    "my-proposals:annex": lambda w: {"pk": w.proposal.pk, "annex_pk": w.annex.pk},
    "my-proposals:annex-delete": lambda w: {"pk": w.proposal.pk, "annex_pk": w.annex.pk},
    "my-proposals:challenge": lambda w: {"pk": w.proposal.pk},
    "my-proposals:objection": lambda w: {"pk": w.proposal.pk},
    "my-proposals:objection-document": lambda w: {"pk": w.rejected_proposal.pk},
    "admin:projects_proposal_declare": lambda w: {"pk": w.panel_proposal.pk},
    "admin:projects_panel_summary": lambda w: {"pk": w.panel.pk},
    "admin:projects_panel_summary_csv": lambda w: {"pk": w.panel.pk},
    "my-projects:detail": lambda w: {"pk": w.running.pk},
    "my-projects:report": lambda w: {"pk": w.running.pk, "report_pk": w.report.pk},
    "my-projects:report-contribution": lambda w: {"pk": w.running.pk, "report_pk": w.report.pk},
    "my-projects:report-document": lambda w: {"pk": w.running.pk, "report_pk": w.report.pk},
    "my:invitation-revoke": lambda w: {"pk": w.invitation.pk},
    "my:person-role": lambda w: {"pk": w.colleague_membership.pk},
    "my:person-remove": lambda w: {"pk": w.colleague_membership.pk},
    "mfa_edit_webauthn": lambda w: {"pk": w.passkey.pk},
    "mfa_remove_webauthn": lambda w: {"pk": w.passkey.pk},
    "spread:detail": lambda w: {"pk": w.standard_model.pk},
    "spread:document": lambda w: {"pk": w.standard_model_document.pk},
    "my-sites:edit": lambda w: {"pk": w.adoption_site.pk},
    "my-sites:evidence": lambda w: {"pk": w.adoption_site.pk},
}

def _first_chart_slug():
    from stats import charts

    return charts.build()[0].slug


_ADMIN_OBJECT = re.compile(r"^admin/(?P<app>\w+)/(?P<model>\w+)/<path:object_id>/")


def admin_model(route: Route):
    """The model behind a standard admin route `admin/<app>/<model>/...`, or None."""
    match = re.match(r"^admin/(?P<app>\w+)/(?P<model>\w+)/", route.pattern)
    if not match:
        return None
    try:
        return apps.get_model(match["app"], match["model"])
    except LookupError:
        return None


def route_kwargs(route: Route, world) -> dict:
    if not route.takes_args:
        return {}
    if route.key in KWARGS:
        return KWARGS[route.key](world)
    if _ADMIN_OBJECT.match(route.pattern) and route.arg_names == ("object_id",):
        return {"object_id": str(world.admin_object(admin_model(route)).pk)}
    raise AssertionError(
        f"{route.key} ({route.pattern}, {route.view}) takes {route.arg_names}: "
        "add a row to tests/security/urlmap.py KWARGS saying which object of the world to use"
    )


def concrete_url(route: Route, world) -> str:
    kwargs = route_kwargs(route, world)
    if route.key != route.pattern:
        return reverse(route.key, kwargs=kwargs or None)
    # An unnamed route: fill its placeholders in by hand.
    path = route.pattern
    for name, value in kwargs.items():
        path = re.sub(rf"\(\?P<{name}>[^)]*\)", str(value), path)
        path = re.sub(rf"<(?:\w+:)?{name}>", str(value), path)
    return "/" + path.replace("^", "").replace("$", "")
