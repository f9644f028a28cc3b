"""Who may open what: every URL that takes an object id, slug or token, tried by every persona.

The URLs come from the URL configuration; the objects are company A's (한빛정밀, the lead
of a proposal in which company C takes part). The expected outcome of every cell is in the
one table below; a URL with arguments and no row fails the suite, and so does a row for a
URL that no longer exists.

Outcomes: a status code (200, 403, 404, 405), "login" (sent to the sign-in page), "admin-login"
(sent to the admin's login, which requires staff with MFA), 302 (sent elsewhere, nothing
changed), or "done" (a POST that changed the database: the action was carried out). A POST
cell that is not "done" must have changed nothing.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.security.conftest import changed_tables, snapshot
from tests.security.matrix import outcome, try_cell
from tests.security.urlmap import all_routes, concrete_url
from tests.security.world import PDF_BYTES, PERSONAS

pytestmark = pytest.mark.django_db

L, AL = "login", "admin-login"
DONE = "done"
NOT_ADMIN = (AL,) * 7  # anonymous … staff_no_mfa: the admin lets none of them in

# Columns, in PERSONAS order:
# anonymous, newcomer (no organisation), outsider (company B's owner), participant (company C's owner),
# owner (company A's owner), member (company A, not a manager), staff_no_mfa,
# membership_reviewer, project_reviewer, project_decider, news_editor, plain_staff (all with MFA), superuser.
EXPECTED = {
    # --- public pages with a slug or id -------------------------------------------------------------------
    #                                  anon new  out  part own  mem  nomfa mrev prev pdec news staff su
    "news:detail":              ("GET", 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "news:cover":               ("GET", 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "projects:call-detail":     ("GET", 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    # a selected project (B's, with C), and C's public page: the same for everybody
    "projects:project-detail":  ("GET", 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "organizations:detail":     ("GET", 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "stats:chart-csv":          ("GET", 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    # the policies in force and each published version (a draft's number is 404 for everybody)
    "privacy:policy":           ("GET", 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "privacy:policy-version":   ("GET", 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    # A's owner's data export: the signed link is for the person it was made for only (others 404, even staff).
    "privacy:export-download":  ("GET", L,   404, 404, 404, 200, 404, 404, 404, 404, 404, 404, 404, 404),
    # The mailed link that restores a dormant account: the signed token is the secret; the page only asks to confirm.
    "privacy:dormant-restore":  ("GET", 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    # --- allauth's keyed links (the key is the secret; the page only asks to confirm) --------------------
    "account_confirm_email":    ("GET", 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "account_reset_password_from_key":
                                ("GET", 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    # --- members: the invitation link (for colleague@example.com) and the private proof of tier ----------
    "members:invitation":       ("GET", 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "members:tier-proof":       ("GET", L,   404, 404, 404, 200, 200, 404, 200, 404, 404, 404, 404, 200),
    # an earlier or proposed version of A's proof of tier: the same people as the current one
    "members:certificate-file": ("GET", L,   404, 404, 404, 200, 200, 404, 200, 404, 404, 404, 404, 200),
    # --- company A's people and invitations: owners act; another company's people get 404, a plain member
    #     of company A 403 with the role needed (members.access); people without an organisation are sent
    #     to register one --------------------------------------------------------------------------------
    "my:invitation-revoke":     ("POST", L,  302, 404, 404, DONE, 403, 302, 302, 302, 302, 302, 302, 302),
    "my:person-role":           ("POST", L,  302, 404, 404, DONE, 403, 302, 302, 302, 302, 302, 302, 302),
    "my:person-remove":         ("POST", L,  302, 404, 404, DONE, 403, 302, 302, 302, 302, 302, 302, 302),
    # --- the superuser's passkey (allauth's WebAuthn pages): its owner only, after re-authentication --------
    "mfa_edit_webauthn":        ("GET", L,   404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 200),
    "mfa_remove_webauthn":      ("POST", L,  404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, DONE),
    # A's change request waiting for the secretariat: its owners and managers withdraw it
    "my:change-request-withdraw":
                                ("POST", L,  302, 404, 404, DONE, 403, 302, 302, 302, 302, 302, 302, 302),
    # --- company A's proposal: the consortium reads, the lead's owner and managers write (403 with the role
    #     needed for the others who see it); staff use the admin, and only staff allowed to view proposals
    #     may download its documents ---------------------------------------------------------------------
    "my-proposals:create":      ("GET", L,   404, 200, 200, 200, 403, 404, 404, 404, 404, 404, 404, 404),
    "my-proposals:detail":      ("GET", L,   404, 404, 200, 200, 200, 404, 404, 404, 404, 404, 404, 404),
    "my-proposals:edit":        ("GET", L,   404, 404, 403, 200, 403, 404, 404, 404, 404, 404, 404, 404),
    "my-proposals:submit":      ("POST", L,  404, 404, 403, DONE, 403, 404, 404, 404, 404, 404, 404, 404),
    "my-proposals:withdraw":    ("POST", L,  404, 404, 403, DONE, 403, 404, 404, 404, 404, 404, 404, 404),
    "my-proposals:annex-add":   ("POST", L,  404, 404, 403, DONE, 403, 404, 404, 404, 404, 404, 404, 404),
    "my-proposals:annex-delete": ("POST", L, 404, 404, 403, DONE, 403, 404, 404, 404, 404, 404, 404, 404),
    # --- company C's part in A's proposal (C has confirmed it): C's owners and managers edit their line and
    #     answer; nobody else's organisation is a partner there (404), A's people included: the lead writes its own
    #     line in the proposal form. Confirming or declining again what C already confirmed changes nothing (302
    #     back with a message); a plain member of C gets 403 (tests/projects/test_consent.py) --------------------
    "my-proposals:part":         ("GET", L,  404, 404, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    "my-proposals:part-accept":  ("POST", L, 404, 404, 302, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    "my-proposals:part-decline": ("POST", L, 404, 404, 302, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    "my-proposals:part-withdraw": ("POST", L, 404, 404, DONE, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    # --- A's conversation with the alliance (projects.threads): A's owners and managers read all of it (C's part
    #     included) and write in A's thread; C's owners and managers read and write C's part only; a plain member
    #     of A gets 403 with the role needed; staff answer in the admin. The attachment (A's answer in A's thread)
    #     goes to those who read the message, and to staff with MFA allowed to read threads ---------------------
    "my-proposals:messages":    ("GET", L,   404, 404, 404, 200, 403, 404, 404, 404, 404, 404, 404, 404),
    "my-proposals:part-messages":
                                ("GET", L,   404, 404, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    # (a project reviewer reads the threads of their panels' proposals only, issue 16)
    "my-proposals:message-attachment":
                                ("GET", L,   404, 404, 404, 200, 403, 404, 404, 404, 200, 404, 404, 200),
    # (the project reviewer sits on no panel evaluating A's draft: it does not exist for them, issue 16)
    "my-proposals:document":    ("GET", L,   404, 404, 200, 200, 200, 404, 404, 404, 200, 404, 404, 200),
    # A's proposal as it was submitted each time, and what changed: read as the proposal is read (C sees the amounts
    # of its own line only); the documents of a version as the proposal's documents. Staff use the admin's page.
    "my-proposals:submissions": ("GET", L,   404, 404, 200, 200, 200, 404, 404, 404, 404, 404, 404, 404),
    "my-proposals:submission":  ("GET", L,   404, 404, 200, 200, 200, 404, 404, 404, 404, 404, 404, 404),
    "my-proposals:submission-file":
                                ("GET", L,   404, 404, 200, 200, 200, 404, 404, 404, 200, 404, 404, 200),
    "my-proposals:annex":       ("GET", L,   404, 404, 200, 200, 200, 404, 404, 404, 200, 404, 404, 200),
    # --- review by panels (issue 16): the lead's owners and managers ask to exclude an evaluator (기피) and object
    #     to the result (이의신청) on its proposal's pages (each page says when it is possible; A's draft: not yet);
    #     the objection's document (A's, on its rejected proposal) is for A's people and the deciders -----------
    "my-proposals:challenge":   ("GET", L,   404, 404, 403, 200, 403, 404, 404, 404, 404, 404, 404, 404),
    "my-proposals:objection":   ("GET", L,   404, 404, 403, 200, 403, 404, 404, 404, 404, 404, 404, 404),
    "my-proposals:objection-document":
                                ("GET", L,   404, 404, 404, 200, 200, 404, 404, 404, 200, 404, 404, 200),
    # --- company A's running project with C (issue 17): the consortium's people read it, its reports and the report's
    #     document; C's owners and managers write C's part of a report (A's people write the report itself: 403 with
    #     the role needed); the document also for staff with MFA allowed to view reports (deciders) ---------------
    "my-projects:detail":       ("GET", L,   404, 404, 200, 200, 200, 404, 404, 404, 404, 404, 404, 404),
    "my-projects:report":       ("GET", L,   404, 404, 200, 200, 200, 404, 404, 404, 404, 404, 404, 404),
    "my-projects:report-contribution":
                                ("POST", L,  404, 404, DONE, 403, 403, 404, 404, 404, 404, 404, 404, 404),
    "my-projects:report-document":
                                ("GET", L,   404, 404, 200, 200, 200, 404, 404, 404, 200, 404, 404, 200),
    # --- standard models (issue 17): a published model's page and its public document are for everybody; company
    #     C's site, reported by A (the model's supplier): A's and C's owners and managers, not A's plain member
    #     (403), nobody else's organisation (404); its evidence also for staff allowed to view sites (with MFA) ---
    "spread:detail":            ("GET", 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "spread:document":          ("GET", 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "my-sites:edit":            ("GET", L,   302, 404, 200, 200, 403, 302, 302, 302, 302, 302, 302, 302),
    "my-sites:evidence":        ("GET", L,   302, 404, 200, 200, 403, 302, 302, 302, 200, 302, 302, 200),
    # --- the admin: staff with MFA only, then Django permissions per group ----------------------------------
    #                                           mrev prev pdec news staff su
    "admin:app_list":           ("GET", *NOT_ADMIN, 200, 404, 404, 404, 404, 200),  # /admin/members/
    r"admin/(?P<url>.*)$":      ("GET", *NOT_ADMIN, 404, 404, 404, 404, 404, 404),
    "admin:view_on_site":       ("GET", *NOT_ADMIN, 302, 302, 302, 302, 302, 302),
    "admin:auth_user_password_change":
                                ("GET", *NOT_ADMIN, 403, 403, 403, 403, 403, 200),
    "admin:members_organization_change":
                                ("GET", *NOT_ADMIN, 200, 403, 403, 403, 403, 200),
    "admin:members_organization_history":
                                ("GET", *NOT_ADMIN, 200, 403, 403, 403, 403, 200),
    "admin:members_organization_delete":
                                ("GET", *NOT_ADMIN, 403, 403, 403, 403, 403, 200),
    # Change requests and certificate versions: read by whoever reads organisations, never edited or deleted
    # (decisions and confirmations are actions needing members.decide_membership).
    **{
        f"admin:members_{model}_{view}": ("GET", *NOT_ADMIN, 200, 403, 403, 403, 403, 200)
        for model in ("changerequest", "tiercertificate") for view in ("change", "history")
    },
    "admin:members_changerequest_delete":
                                ("GET", *NOT_ADMIN, 403, 403, 403, 403, 403, 403),
    "admin:members_tiercertificate_delete":
                                ("GET", *NOT_ADMIN, 403, 403, 403, 403, 403, 403),
    "admin:members_industry_change":
                                ("GET", *NOT_ADMIN, 200, 403, 403, 403, 403, 200),
    "admin:members_industry_history":
                                ("GET", *NOT_ADMIN, 200, 403, 403, 403, 403, 200),
    "admin:members_industry_delete":  # industries are never deleted (organisations point at them)
                                ("GET", *NOT_ADMIN, 403, 403, 403, 403, 403, 403),
    # A's draft is on no panel: a project reviewer who does not decide meets only their panels' proposals (404).
    "admin:projects_proposal_change":
                                ("GET", *NOT_ADMIN, 403, 404, 200, 403, 403, 200),
    "admin:projects_proposal_history":
                                ("GET", *NOT_ADMIN, 403, 404, 200, 403, 403, 200),
    "admin:projects_proposal_delete":  # proposals are never deleted: their history is a record
                                ("GET", *NOT_ADMIN, 403, 403, 403, 403, 403, 403),
    "admin:projects_proposal_score":  # scoring: "Project reviewers" on the proposal's panel only (A's draft: none)
                                ("GET", *NOT_ADMIN, 403, 404, 403, 403, 403, 404),
    "admin:projects_proposal_submission":  # a submitted version and its diff: whoever reads the proposal
                                ("GET", *NOT_ADMIN, 403, 404, 200, 403, 403, 200),
    # The declaration before reading a proposal of one's panel (the project reviewer chairs the world's panel; the
    # superuser may score but sits on no panel), the panel's summary for deciders, and the deciders' pages.
    "admin:projects_proposal_declare":
                                ("GET", *NOT_ADMIN, 403, 200, 403, 403, 403, 404),
    "admin:projects_panel_summary":
                                ("GET", *NOT_ADMIN, 403, 403, 200, 403, 403, 200),
    "admin:projects_panel_summary_csv":
                                ("GET", *NOT_ADMIN, 403, 403, 200, 403, 403, 200),
    **{
        f"admin:projects_{model}_{view}": ("GET", *NOT_ADMIN, 403, 403, 200, 403, 403, 200)
        for model in ("panel", "reviewerprofile", "challengerequest", "objection") for view in ("change", "history")
    },
    # Running projects and their reports (issue 17): the deciders' (and superusers'); nobody deletes one.
    **{
        f"admin:delivery_{model}_{view}": ("GET", *NOT_ADMIN, 403, 403, 200, 403, 403, 200)
        for model in ("project", "report") for view in ("change", "history")
    },
    **{f"admin:delivery_{model}_delete": ("GET", *NOT_ADMIN, 403, 403, 403, 403, 403, 403)
       for model in ("project", "report")},
    # Panels, 기피 requests and objections are a record: nobody deletes them; a profile only a superuser.
    **{f"admin:projects_{model}_delete": ("GET", *NOT_ADMIN, 403, 403, 403, 403, 403, 403)
       for model in ("panel", "challengerequest", "objection")},
    "admin:projects_reviewerprofile_delete":
                                ("GET", *NOT_ADMIN, 403, 403, 403, 403, 403, 200),
    # A proposal's threads: both project groups read them (deciders write, tests/projects/test_messages.py); a
    # project reviewer only those of their panels' proposals (A's draft is on none).
    "admin:projects_proposal_messages":
                                ("GET", *NOT_ADMIN, 403, 404, 200, 403, 403, 200),
    # Messages are read, never edited or deleted (a message is a record once sent).
    "admin:projects_message_change":
                                ("GET", *NOT_ADMIN, 403, 404, 200, 403, 403, 200),
    "admin:projects_message_history":
                                ("GET", *NOT_ADMIN, 403, 404, 200, 403, 403, 200),
    "admin:projects_message_delete":
                                ("GET", *NOT_ADMIN, 403, 403, 403, 403, 403, 403),
    "admin:projects_call_change":
                                ("GET", *NOT_ADMIN, 403, 200, 200, 403, 403, 200),
    "admin:projects_call_history":
                                ("GET", *NOT_ADMIN, 403, 200, 200, 403, 403, 200),
    "admin:projects_call_delete":
                                ("GET", *NOT_ADMIN, 403, 403, 403, 403, 403, 200),
    "admin:projects_aiarea_change":
                                ("GET", *NOT_ADMIN, 403, 200, 200, 403, 403, 200),
    "admin:projects_aiarea_history":
                                ("GET", *NOT_ADMIN, 403, 200, 200, 403, 403, 200),
    "admin:projects_aiarea_delete":
                                ("GET", *NOT_ADMIN, 403, 403, 403, 403, 403, 200),
    "admin:news_article_change":
                                ("GET", *NOT_ADMIN, 403, 403, 403, 200, 403, 200),
    "admin:news_article_history":
                                ("GET", *NOT_ADMIN, 403, 403, 403, 200, 403, 200),
    "admin:news_article_delete":
                                ("GET", *NOT_ADMIN, 403, 403, 403, 200, 403, 200),
    "admin:news_article_preview":
                                ("GET", *NOT_ADMIN, 403, 403, 403, 200, 403, 200),
    # Standard models: deciders register and change them; nobody deletes one but a superuser. Adoption sites: deciders
    # read them and confirm or return them by actions; a site is a record nobody deletes.
    "admin:spread_standardmodel_change":
                                ("GET", *NOT_ADMIN, 403, 403, 200, 403, 403, 200),
    "admin:spread_standardmodel_history":
                                ("GET", *NOT_ADMIN, 403, 403, 200, 403, 403, 200),
    "admin:spread_standardmodel_delete":
                                ("GET", *NOT_ADMIN, 403, 403, 403, 403, 403, 200),
    "admin:spread_adoptionsite_change":
                                ("GET", *NOT_ADMIN, 403, 403, 200, 403, 403, 200),
    "admin:spread_adoptionsite_history":
                                ("GET", *NOT_ADMIN, 403, 403, 200, 403, 403, 200),
    "admin:spread_adoptionsite_delete":
                                ("GET", *NOT_ADMIN, 403, 403, 403, 403, 403, 403),
    # Accounts, groups, authenticators and social logins: superusers only.
    **{
        f"admin:{model}_{view}": ("GET", *NOT_ADMIN, 403, 403, 403, 403, 403, 200)
        for model in ("auth_group", "account_emailaddress", "socialaccount_socialapp", "socialaccount_socialtoken",
                      "socialaccount_socialaccount", "mfa_authenticator", "members_user", "stats_target",
                      "jobs_outgoingmail")
        for view in ("change", "history", "delete")
    },
    # Background task results (django-tasks-db): superusers read them; nobody edits or deletes a record.
    "admin:django_tasks_database_dbtaskresult_change":
                                ("GET", *NOT_ADMIN, 403, 403, 403, 403, 403, 200),
    "admin:django_tasks_database_dbtaskresult_history":
                                ("GET", *NOT_ADMIN, 403, 403, 403, 403, 403, 200),
    "admin:django_tasks_database_dbtaskresult_delete":
                                ("GET", *NOT_ADMIN, 403, 403, 403, 403, 403, 403),
    # Access records and consent records: read by "Access record readers" (no persona here) and superusers; nobody
    # changes or deletes one. A published policy version is read, never changed or deleted (drafts are, by
    # "Policy editors").
    **{
        f"admin:{model}_{view}": ("GET", *NOT_ADMIN, 403, 403, 403, 403, 403, 200)
        for model in ("portal_accessrecord", "privacy_consentrecord", "privacy_policyversion", "privacy_erasure")
        for view in ("change", "history")
    },
    **{
        f"admin:{model}_delete": ("GET", *NOT_ADMIN, 403, 403, 403, 403, 403, 403)
        for model in ("portal_accessrecord", "privacy_consentrecord", "privacy_policyversion", "privacy_erasure")
    },
    # admin/<app>/<model>/<id>/ redirects to .../change/ for anyone the admin lets in.
    **{
        f"admin/{model}/<path:object_id>/": ("GET", *NOT_ADMIN, 302, 302, 302, 302, 302, 302)
        for model in ("auth/group", "account/emailaddress", "socialaccount/socialapp", "socialaccount/socialtoken",
                      "socialaccount/socialaccount", "mfa/authenticator", "news/article", "members/user",
                      "members/industry", "members/organization", "members/changerequest",
                      "members/tiercertificate", "projects/call", "projects/aiarea",
                      "projects/proposal", "projects/message", "stats/target", "jobs/outgoingmail",
                      "django_tasks_database/dbtaskresult", "portal/accessrecord", "privacy/consentrecord",
                      "privacy/policyversion", "privacy/erasure", "projects/panel", "projects/reviewerprofile",
                      "projects/challengerequest", "projects/objection", "delivery/project", "delivery/report",
                      "spread/standardmodel", "spread/adoptionsite")
    },
}

# Admin pages without arguments that hand out data in bulk: the CSV exports of the filtered lists
# (portal.csv). Each answers to the same permission as the list it exports.
#                                           mrev prev pdec news staff su
DOWNLOADS = {
    "admin:members_organization_export":
                                ("GET", *NOT_ADMIN, 200, 403, 403, 403, 403, 200),
    "admin:projects_proposal_export":
                                ("GET", *NOT_ADMIN, 403, 200, 200, 403, 403, 200),
    "admin:portal_accessrecord_export":
                                ("GET", *NOT_ADMIN, 403, 403, 403, 403, 403, 200),
}


# A company's own pages without arguments: its owners and managers edit the details and renew the certificate;
# a plain member is told who may (403); people without an organisation are sent to register one.
COMPANY_PAGES = {
    #                                  anon new  out  part own  mem  nomfa mrev prev pdec news staff su
    "my:edit":                  ("GET", L,   302, 200, 200, 200, 403, 302, 302, 302, 302, 302, 302, 302),
    "my:certificate":           ("GET", L,   302, 200, 200, 200, 403, 302, 302, 302, 302, 302, 302, 302),
    # Adoption sites (issue 17): the list of one's own organisation's sites and the report form.
    "my-sites:list":            ("GET", L,   302, 200, 200, 200, 403, 302, 302, 302, 302, 302, 302, 302),
    "my-sites:create":          ("GET", L,   302, 200, 200, 200, 403, 302, 302, 302, 302, 302, 302, 302),
}


# The proposal side of a company's pages without arguments: the requests of other leads to take part (every
# member of an organisation reads them; its owners and managers answer), and the partner picker's search (owners
# and managers only: a plain member gets 403). People without an organisation have neither (404).
PARTNER_PAGES = {
    #                                  anon new  out  part own  mem  nomfa mrev prev pdec news staff su
    "my-proposals:requests":    ("GET", L,   404, 200, 200, 200, 200, 404, 404, 404, 404, 404, 404, 404),
    "my-proposals:organization-search":
                                ("GET", L,   404, 200, 200, 200, 403, 404, 404, 404, 404, 404, 404, 404),
    # Running projects (issue 17): every member of an organisation reads its list (empty for B, C's as partner).
    "my-projects:list":         ("GET", L,   200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
}


# The pages every footer links to (privacy policy, terms, contact): public, without arguments, open to all.
SITE_PAGES = {
    #                                  anon new  out  part own  mem  nomfa mrev prev pdec news staff su
    "privacy":                  ("GET", 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "terms":                    ("GET", 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "contact":                  ("GET", 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    # where a dormant account's person asks for the restoring link (the login page points there)
    "privacy:dormant":          ("GET", 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    # and the standard-model catalogue (issue 17), public like the other lists
    "spread:catalogue":         ("GET", 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
}


# The account's consent pages: everyone signed in; the page that asks again sends on whoever owes nothing.
ACCOUNT_PAGES = {
    #                                  anon new  out  part own  mem  nomfa mrev prev pdec news staff su
    "privacy:consents":         ("GET", L,   200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "privacy:renew":            ("GET", L,   302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302),
    # a copy of one's data, and what erasing the account does (the erasure itself asks to re-authenticate)
    "privacy:data":             ("GET", L,   200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "privacy:delete":           ("GET", L,   200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
}


# The GET confirmation pages a step's POST leads to when it asks for re-authentication first (portal.reauth), and
# the admin's GET page of a workflow step: the same people as the step itself (the clients here have confirmed who
# they are just now: tests/conftest.py). Each is a URL with its query string.
#                                  anon new  out  part own  mem  nomfa mrev prev pdec news staff su
CONFIRMATION_PAGES = {
    "my:person-role":           ("GET", L,   302, 404, 404, 200, 403, 302, 302, 302, 302, 302, 302, 302),
    "my:person-remove":         ("GET", L,   302, 404, 404, 200, 403, 302, 302, 302, 302, 302, 302, 302),
    "my-proposals:submit":      ("GET", L,   404, 404, 403, 200, 403, 404, 404, 404, 404, 404, 404, 404),
    "admin:projects_proposal_workflow":
                                ("GET", *NOT_ADMIN, 403, 403, 200, 403, 403, 200),
    "admin:members_organization_workflow":
                                ("GET", *NOT_ADMIN, 200, 403, 403, 403, 403, 200),
}


def confirmation_url(key, world):
    query = {
        "my:person-role": "?role=owner",
        "admin:projects_proposal_workflow": f"?step=start_review&ids={world.proposal.pk}",
        "admin:members_organization_workflow": f"?step=suspend&ids={world.org_a.pk}",
    }.get(key, "")
    if key.startswith("admin:"):
        return reverse(key) + query
    route = next(route for route in all_routes() if route.key == key)
    return concrete_url(route, world) + query


def test_confirmation_pages_matrix(world, client_for):
    differences = []
    for key, (method, *expected) in CONFIRMATION_PAGES.items():
        url = confirmation_url(key, world)
        for persona, want in zip(PERSONAS, expected, strict=True):
            got = run_cell(client_for(persona), method, url, {})
            if got != want:
                differences.append(f"{method} {url} as {persona}: expected {want}, got {got}")
    assert not differences, f"{len(differences)} cells differ:\n" + "\n".join(differences)


def test_every_workflow_page_refuses_staff_without_the_steps_permission(world, client_for):
    workflow_pages = [route.key for route in all_routes() if route.key.endswith("_workflow")]
    assert len(workflow_pages) >= 8
    for key in workflow_pages:
        assert run_cell(client_for("plain_staff"), "GET", reverse(key) + "?step=nothing&ids=1", {}) in (403, 404), key


def post_data(key, world):
    if key == "my:person-role":
        return {"role": "manager"}
    if key == "my-proposals:annex-add":
        return {"file": SimpleUploadedFile("부록2.pdf", PDF_BYTES, content_type="application/pdf")}
    if key == "my-proposals:withdraw":
        return {"note": "철회합니다"}
    if key == "my-projects:report-contribution":
        return {"text": "부품 검사 데이터 제공"}
    return {}


def routes_with_arguments():
    return [route for route in all_routes() if route.takes_args]


def test_every_url_with_arguments_has_a_row_and_every_row_a_url():
    keys = {route.key for route in routes_with_arguments()}
    missing = sorted(keys - EXPECTED.keys())
    stale = sorted(EXPECTED.keys() - keys)
    assert not missing, f"URLs with arguments and no row in EXPECTED: {missing}"
    assert not stale, f"rows in EXPECTED for URLs that no longer exist: {stale}"
    assert all(len(row) == 1 + len(PERSONAS) for row in EXPECTED.values())


def run_cell(client, method, url, data):
    if method == "GET":
        return try_cell(client, "GET", url)
    before = snapshot()
    result = []

    def probe(response):
        result.append(DONE if changed_tables(before, snapshot()) else outcome(response))

    try_cell(client, "POST", url, data, inspect=probe)
    return result[0]


def test_access_matrix(world, client_for):
    clients = {persona: client_for(persona) for persona in PERSONAS}
    differences = []
    for route in routes_with_arguments():
        method, *expected = EXPECTED[route.key]
        url = concrete_url(route, world)
        for persona, want in zip(PERSONAS, expected, strict=True):
            got = run_cell(clients[persona], method, url, post_data(route.key, world))
            if got != want:
                differences.append(f"{method} {url} ({route.key}) as {persona}: expected {want}, got {got}")
    assert not differences, f"{len(differences)} cells differ:\n" + "\n".join(differences)


def test_every_export_has_a_row_in_the_downloads_table():
    exports = {route.key for route in all_routes() if route.key.endswith("_export")}
    assert exports == DOWNLOADS.keys()


def _differences(table, client_for):
    """The cells of a table of URLs without arguments whose outcome is not the one written down."""
    differences = []
    for key, (method, *expected) in table.items():
        url = reverse(key)
        for persona, want in zip(PERSONAS, expected, strict=True):
            got = run_cell(client_for(persona), method, url, {})
            if got != want:
                differences.append(f"{method} {url} as {persona}: expected {want}, got {got}")
    return differences


def test_download_matrix(world, client_for):
    differences = _differences(DOWNLOADS, client_for)
    assert not differences, f"{len(differences)} cells differ:\n" + "\n".join(differences)


def test_company_pages_matrix(world, client_for):
    differences = _differences(COMPANY_PAGES, client_for)
    assert not differences, f"{len(differences)} cells differ:\n" + "\n".join(differences)


def test_partner_pages_matrix(world, client_for):
    differences = _differences(PARTNER_PAGES, client_for)
    assert not differences, f"{len(differences)} cells differ:\n" + "\n".join(differences)


def test_site_pages_matrix(world, client_for):
    differences = _differences(SITE_PAGES, client_for)
    assert not differences, f"{len(differences)} cells differ:\n" + "\n".join(differences)


def test_account_pages_matrix(world, client_for):
    differences = _differences(ACCOUNT_PAGES, client_for)
    assert not differences, f"{len(differences)} cells differ:\n" + "\n".join(differences)


def test_outsiders_get_404_not_403_on_company_pages(world):
    """A company's objects are invisible to other companies: 404, so their existence does not leak."""
    for key, (_method, *row) in EXPECTED.items():
        company_page = key.startswith(("my:", "my-proposals:", "my-projects:", "my-sites:", "members:tier-proof"))
        if company_page and key != "my-proposals:create":
            assert row[PERSONAS.index("outsider")] in (404, L), key


def test_the_matrix_can_fail(world, client_for):
    """An object of company B's is not reachable by company A's owner either (the table is not one-sided)."""
    from django.urls import reverse

    client = client_for("owner")
    assert try_cell(client, "GET", reverse("my-proposals:detail", args=[world.other_proposal.pk])) == 404
    assert try_cell(client, "GET", reverse("members:tier-proof", args=[world.org_b.pk])) == 404


def test_proposals_not_selected_and_members_without_a_page_are_404_for_everybody(world, client_for):
    """The public pages show what the public may see, whoever asks: the consortium and staff use /my/ and
    the admin for the rest."""
    hidden = [
        reverse("projects:project-detail", args=[world.proposal.pk]),  # A's draft
        reverse("organizations:detail", args=[world.org_a.pk]),  # listed, but without a page of its own
    ]
    for persona in ("anonymous", "owner", "participant", "superuser"):
        client = client_for(persona)
        assert [try_cell(client, "GET", url) for url in hidden] == [404, 404], persona


def test_a_draft_articles_cover_needs_an_editor_with_mfa(world, client_for):
    """Staff rights outside the admin follow the admin's rule: no authenticator, no staff rights."""
    from django.test import Client
    from django.urls import reverse

    from news.models import Article
    from tests.security.world import user

    Article.objects.filter(pk=world.article.pk).update(status="draft")
    url = reverse("news:cover", args=[world.article.slug])
    editor_without_mfa = Client()
    editor_without_mfa.force_login(user("editor-no-mfa@ministry.example", staff=True, group="News editors"))
    assert client_for("news_editor").get(url).status_code == 200
    assert editor_without_mfa.get(url).status_code == 404
    assert client_for("anonymous").get(url).status_code == 404
