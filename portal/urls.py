from allauth.account.decorators import reauthentication_required
from allauth.account.views import password_change
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from members.sitemaps import MemberPageSitemap
from news.sitemaps import ArticleSitemap, PublicPagesSitemap
from portal import views
from portal.pagecache import public_page
from privacy import views as privacy_views
from projects.sitemaps import CallSitemap, ProjectSitemap
from spread.sitemaps import StandardModelSitemap

# Error pages render inside the layout without touching the database or the session (templates/error.html).
handler400 = views.bad_request
handler403 = views.permission_denied
handler500 = views.server_error

# /sitemap.xml: each app's public pages, gathered here since news, which serves the fixed pages and the
# articles, may not import the apps whose pages it would list.
SITEMAPS = {
    "pages": PublicPagesSitemap, "news": ArticleSitemap, "calls": CallSitemap, "projects": ProjectSitemap,
    "members": MemberPageSitemap, "standard-models": StandardModelSitemap,
}

urlpatterns = [
    path("", views.home, name="home"),
    path("privacy/", privacy_views.privacy, name="privacy"),
    path("terms/", privacy_views.terms, name="terms"),
    path("contact/", views.contact, name="contact"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    # Browsers ask for /favicon.ico on their own; answering it keeps that request off the 404 page.
    path("favicon.ico", views.favicon, name="favicon"),
    path("sitemap.xml", public_page(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("i18n/language/", views.switch_language, name="switch-language"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Before allauth's: the consent pages live in the account area (/accounts/consents/).
    path("", include("privacy.urls")),
    # allauth's password change asks for the current password; someone with a second factor confirms it first too
    # (allauth's re-authentication, by the second factor: members.adapter), so a password alone changes nothing.
    path("accounts/password/change/", reauthentication_required(
        password_change, enabled=lambda request: request.user.is_authenticated and is_mfa_enabled(request.user))),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("news/", include("news.urls")),
    path("stats/", include("stats.urls")),
    path("members/", include("members.urls")),
    path("members/", include("projects.urls_organizations")),
    path("projects/", include("projects.urls")),
    path("standard-models/", include("spread.urls")),
    # Four apps' company pages share /my/. No pattern of members' starts with "proposals/", "projects/" or "sites/",
    # so no include shadows another and their order does not matter (tests/portal/test_urls.py resolves both orders).
    path("my/", include("members.urls_my")),
    path("my/proposals/", include("projects.urls_my")),
    path("my/projects/", include("delivery.urls_my")),
    path("my/sites/", include("spread.urls_my")),
]
