"""Every view that accepts POST refuses a request without a CSRF token, and nothing changes.

The list of views comes from the URL configuration. Each route is declared below as
accepting POST (with the persona who would otherwise succeed) or as read-only; a route
in neither table fails the suite, so a new view cannot slip in untested.
"""

import pytest
from django.conf import settings

from tests.security.conftest import assert_nothing_changed, changed_tables, snapshot
from tests.security.urlmap import all_routes, concrete_url

pytestmark = pytest.mark.django_db

# Route key -> the persona for whom the POST would otherwise do something.
POST_VIEWS = {
    "set_language": "anonymous",
    "account_login": "anonymous",
    "account_signup": "anonymous",
    "account_reset_password": "anonymous",
    "account_reset_password_from_key": "anonymous",
    "account_confirm_email": "anonymous",
    "account_confirm_login_code": "anonymous",
    "mfa_authenticate": "anonymous",
    "socialaccount_signup": "anonymous",
    "account_logout": "owner",
    "account_reauthenticate": "owner",
    "account_email": "owner",
    "account_change_password": "owner",
    "account_set_password": "owner",
    "mfa_reauthenticate": "superuser",
    "mfa_activate_totp": "owner",
    "mfa_deactivate_totp": "superuser",
    "mfa_generate_recovery_codes": "superuser",
    "accounts/password/change/": "owner",  # allauth's, behind the portal's re-authentication (portal/urls.py)
    "mfa_add_webauthn": "owner",
    "mfa_edit_webauthn": "superuser",
    "mfa_remove_webauthn": "superuser",
    "mfa_reauthenticate_webauthn": "superuser",
    "mfa_login_webauthn": "anonymous",
    "socialaccount_connections": "newcomer",
    "admin:logout": "superuser",
    "admin:password_change": "superuser",
    "admin:news_article_import": "superuser",
    "admin:projects_proposal_score": "project_reviewer",
    "admin:projects_proposal_declare": "project_reviewer",
    "my-proposals:challenge": "owner",
    "my-proposals:objection": "owner",
    "members:register": "newcomer",
    "members:invitation": "newcomer",
    "my:edit": "owner",
    "my:certificate": "owner",
    "my:change-request-withdraw": "owner",
    "my:resubmit": "owner",
    "my:public-page": "owner",
    "my:invite": "owner",
    "my:invitation-revoke": "owner",
    "my:person-role": "owner",
    "my:person-remove": "owner",
    "my:leave": "member",
    "my-proposals:create": "owner",
    "my-proposals:edit": "owner",
    "my-proposals:submit": "owner",
    "my-proposals:withdraw": "owner",
    "my-proposals:annex-add": "owner",
    "my-proposals:annex-delete": "owner",
    "my-proposals:part": "participant",
    "my-proposals:part-accept": "participant",
    "my-proposals:part-decline": "participant",
    "my-proposals:part-withdraw": "participant",
    "my-proposals:messages": "owner",
    "my-proposals:part-messages": "participant",
    "admin:projects_proposal_messages": "project_decider",
    "my-projects:report": "owner",
    "my-projects:report-contribution": "participant",
    "my-sites:create": "owner",
    "my-sites:edit": "owner",
    "privacy:consents": "owner",
    "privacy:renew": "owner",
    "privacy:data": "owner",
    "privacy:delete": "owner",
    "privacy:dormant": "anonymous",
    "privacy:dormant-restore": "anonymous",
}

# Routes that only read (GET/HEAD); a POST to them must change nothing even with a valid token.
READ_ONLY_VIEWS = {
    "home", "switch-language", "healthz", "robots-txt", "favicon", "sitemap", "privacy", "terms", "contact",
    "account_inactive", "account_email_verification_sent", "account_reset_password_done",
    "account_reset_password_from_key_done", "mfa_index", "mfa_view_recovery_codes",
    "mfa_download_recovery_codes", "socialaccount_login_cancelled", "socialaccount_login_error",
    "accounts/social/login/cancelled/", "accounts/social/login/error/", "accounts/social/signup/",
    "accounts/social/connections/",
    "admin:index", "admin:login", "admin:password_change_done", "admin:autocomplete", "admin:jsi18n",
    "admin:view_on_site", "admin:app_list", r"admin/(?P<url>.*)$", "admin:members_organization_export",
    "admin:projects_proposal_export", "admin:portal_accessrecord_export", "admin:projects_panel_summary",
    "admin:projects_panel_summary_csv",
    "admin:news_article_preview", "admin:projects_proposal_submission",
    "privacy:policy", "privacy:policy-version", "privacy:export-download",
    "news:list", "news:atom", "news:rss", "news:detail", "news:cover",
    "members:directory", "members:tier-proof", "members:certificate-file",
    "projects:call-list", "projects:call-detail", "projects:project-detail", "organizations:detail",
    "stats:dashboard", "stats:chart-csv",
    "spread:catalogue", "spread:detail", "spread:document", "my-sites:list", "my-sites:evidence",
    "my-proposals:list", "my-proposals:requests", "my-proposals:organization-search",
    "my-proposals:detail", "my-proposals:document", "my-proposals:annex", "my-proposals:objection-document",
    "my-proposals:submissions", "my-proposals:submission", "my-proposals:submission-file",
    "my-proposals:message-attachment",
    "my-projects:list", "my-projects:detail", "my-projects:report-document",
    "my:dashboard",
    "mfa_list_webauthn",
    # the GET confirmation page of each workflow's staff steps (portal.admin.WorkflowAdminMixin.workflow_page)
    *(f"admin:{model}_workflow" for model in (
        "members_organization", "members_changerequest", "projects_proposal", "projects_panel",
        "projects_challengerequest", "projects_objection", "news_article", "jobs_outgoingmail",
        "delivery_project", "delivery_report", "spread_adoptionsite")),
}

# The standard ModelAdmin views, known by their method name (also when a ModelAdmin overrides one):
# every registered model has them. Custom admin views need a row in the tables above.
ADMIN_STANDARD_POST = {"changelist_view", "add_view", "change_view", "delete_view", "user_change_password"}
ADMIN_STANDARD_READ = {"history_view", "RedirectView"}  # admin/<app>/<model>/<id>/ -> .../change/

CSRF_TOKEN = "s" * 32  # an unmasked secret of the right shape: accepted when cookie and form agree


def classify(route):
    if route.key in POST_VIEWS:
        return "post", POST_VIEWS[route.key]
    if route.key in READ_ONLY_VIEWS:
        return "read", None
    method = route.view.rsplit(".", 1)[-1]
    if route.is_admin and method in ADMIN_STANDARD_POST:
        return "post", "superuser"
    if route.is_admin and method in ADMIN_STANDARD_READ:
        return "read", None
    return None, None


def payload_for(route, world):
    """A body that would do damage if the token were not checked: confirm deletions, run actions."""
    data = {"post": "yes"}
    if route.view.endswith("changelist_view"):
        data.update(action="delete_selected", _selected_action=[str(p) for p in range(1, 50)])
    if route.key == "account_login":
        data.update(login=world.owner.email, password="pw-for-tests-1")
    if route.key == "set_language":
        data.update(language="en", next="/")
    if route.key == "my:person-role":
        data.update(role="manager")
    return data


def test_every_route_is_declared():
    missing = [f"{r.key}  ({r.view})" for r in all_routes() if classify(r)[0] is None]
    assert not missing, (
        "routes with no row in tests/security/test_csrf.py (POST_VIEWS or READ_ONLY_VIEWS):\n  "
        + "\n  ".join(missing)
    )


def test_no_view_is_exempt_from_csrf():
    exempt = [r.key for r in all_routes() if getattr(r.callback, "csrf_exempt", False)]
    assert exempt == []


def test_every_post_view_refuses_a_request_without_a_token(world, client_for):
    problems = []
    # In English, so that the refusal can be recognised by Django's own words.
    clients = {p: client_for(p, enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en") for p in set(POST_VIEWS.values())}
    clients.setdefault("superuser", client_for("superuser", enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en"))
    before = snapshot()
    for route in all_routes():
        kind, persona = classify(route)
        if kind != "post":
            continue
        url = concrete_url(route, world)
        client = clients[persona]
        signed_in_as = client.session.get("_auth_user_id")
        response = client.post(url, payload_for(route, world))
        if response.status_code != 403 or b"CSRF verification failed" not in response.content:
            problems.append(f"{route.key} {url} as {persona}: {response.status_code}, not a CSRF refusal")
        if client.session.get("_auth_user_id") != signed_in_as:
            problems.append(f"{route.key} {url} as {persona}: the sign-in state changed")
        if response.cookies.get(settings.LANGUAGE_COOKIE_NAME):
            problems.append(f"{route.key} {url} as {persona}: set the language cookie")
    changed = changed_tables(before, snapshot())
    if changed:
        problems.append(f"refused POSTs changed {changed}")
    assert not problems, "\n".join(problems)


def test_the_same_post_with_a_token_gets_through(world, client_for):
    """The refusal above is the token's doing: with one, sign-in and sign-out work."""
    client = client_for("anonymous", enforce_csrf_checks=True)
    client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_TOKEN
    response = client.post(
        "/accounts/login/",
        {"login": world.owner.email, "password": "pw-for-tests-1", "csrfmiddlewaretoken": CSRF_TOKEN},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.owner.pk)
    rotated = client.cookies[settings.CSRF_COOKIE_NAME].value  # signing in gives a new token
    client.post("/accounts/logout/", {"csrfmiddlewaretoken": rotated})
    assert "_auth_user_id" not in client.session


def test_read_only_views_change_nothing_even_when_posted_to_with_a_token(world, client_for):
    problems, steps = [], []
    clients = {p: client_for(p, enforce_csrf_checks=True) for p in ("anonymous", "owner", "superuser")}
    before = snapshot()
    for persona, client in clients.items():
        client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_TOKEN
        for route in all_routes():
            if classify(route)[0] != "read":
                continue
            url = concrete_url(route, world)
            data = {**payload_for(route, world), "csrfmiddlewaretoken": CSRF_TOKEN}
            response = client.post(url, data)
            if response.status_code >= 500:
                problems.append(f"{route.key} {url} as {persona}: {response.status_code}")
            steps.append((f"POST {url} as {persona}", lambda c=client, u=url, d=data: c.post(u, d)))
    assert not problems, "\n".join(problems)
    assert_nothing_changed(before, steps, "POSTs to read-only views")
