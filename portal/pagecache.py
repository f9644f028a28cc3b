"""Public pages served from the cache: whole to anonymous visitors, with the visitor's own parts rendered
fresh for everyone else.

An anonymous visitor without a session or a flash message waiting (no session cookie, no messages
cookie) sees nothing of their own on a public page: the language switch is a GET form (no CSRF token),
the header offers "sign in". Such a request gets the whole stored response, stored once per language and
data version by `WholePageMiddleware`, which answers it before the rest of the middleware runs: nothing is
rendered, no session or user is looked at. The stored response never carries a cookie: a render that
sets one (a CSRF token, a session) is not stored.
Everyone else (signed in, or anonymous with a session or a message) gets the page with holes below.

A public page (home, news, directory, members' and projects' pages, calls, figures, feeds, sitemap) is
the same for every visitor except for the header (who is signed in, the language form with its CSRF token
and the current address) and the flash messages. `public_page` stores the rest of the rendered page in the cache and
leaves two holes in it, which are rendered for every request. So a cached page costs about what the
bare layout costs, whatever the amount of data behind it.

A page may name further parts of its own that depend on the visitor (`parts=`: a call's "what you
do next" box): the template writes `{{ page_parts.NAME }}`, which is a hole while the page is rendered
for the cache and the part itself otherwise; each request then renders the part into its hole.

Freshness has one mechanism: the data version below, which the page keys hold. Counts of whole tables
computed in the background for the pages (portal.derived: the figures, the directory's counts) are recounted
on every change (`data_changed`, sent with each new version) and call `pages_refreshed()` once stored, so that
pages rendered from the previous counts in the meantime are not kept.

The key holds the language, whether the visitor is signed in (or is the plain anonymous visitor of a
whole page), the host, the path and the allowed query parameters; the entry holds the data version it was
rendered at, read in the same round trip as the current version and served only when they match. The
version changes:
- at once, and again when the transaction commits, whenever a model that a public page shows is saved
  or deleted, however the save is made (a service, an admin change form, an inline): each app names
  those models with `watch(Model, ...)` in its `ready()`. Models no public page shows (accounts,
  memberships, invitations, reviews, scores, annexes) are not watched, so signing in or scoring
  a proposal leaves the cache alone;
- when code that writes in bulk (seed_demo) calls `invalidate()`;
- when the next scheduled change comes due: an article's publication time, a call opening or closing
  (each app registers a function that gives its next one with `schedule()`);
- at midnight in Asia/Seoul, since pages count days (D-day).
Entries also expire after `TTL` seconds, the backstop for writes that send no signal
(`QuerySet.update()`, `bulk_create()`, SQL in psql).
- when Redis answers again after this process dropped a write to it (portal.cache: the bump after a
  save made during the outage may be among the lost writes).
A process serving its own copy of a whole page reuses the version it read last for PORTAL_PAGE_VERSION_REUSE_MS
(a second in production) instead of asking the cache on each request: another process's change shows on such pages
up to that much later, this process's own at once.

An organisation's own pages (/my/, /my/proposals/) are stored the same way, per viewer, by `scoped_page`: the
entry holds the data version above and the version of its scope (the organisation), and the scope's version
changes whenever a model of that organisation's own (`watch_scoped`: its memberships, invitations, change
requests, certificates, histories; the people's accounts move every scope) is saved or deleted, at once and
again on commit, as above. Besides the header and the messages, such a page has two more holes: the CSRF
token of its forms and their one-time tokens (portal.once), which are each visitor's own and fresh.
"""

import collections
import functools
import hashlib
import re
import threading
import time

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, get_urlconf, resolve
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language

from portal.cache import recovered

TTL = 600  # seconds
VERSION_KEY = "pages:version"
NEXT_CHANGE_KEY = "pages:next-change"
# Query values worth a cache entry of their own: short tokens such as a page number or a category code.
# Anything else (a free-text search, a stray parameter) is rendered without the cache.
CACHEABLE_VALUE = re.compile(r"^[\w-]{0,32}$")

_schedules = []
# The version this process read last, and until when (time.monotonic()) it serves its own whole pages at it without
# asking the cache (settings.PORTAL_PAGE_VERSION_REUSE_MS): [version, until].
_recent = [None, 0.0]


def watch(*models):
    """Refresh cached pages whenever one of these models, each shown on a public page, is saved or
    deleted (and when one of its many-to-many fields changes).

    Only models a public page shows belong here: a save of anything else (a sign-in updating
    last_login, an invitation, a review) would empty the cache for nothing."""
    for model in models:
        post_save.connect(_changed, sender=model, dispatch_uid=f"pagecache-save-{model._meta.label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"pagecache-delete-{model._meta.label}")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(_changed, sender=field.remote_field.through,
                                dispatch_uid=f"pagecache-m2m-{model._meta.label}-{field.name}")


def schedule(next_change):
    """Register a function `next_change(now) -> datetime | None`: the next time public pages change by
    themselves (an article scheduled for later, a call that opens or closes)."""
    if next_change not in _schedules:
        _schedules.append(next_change)


# Sent by `invalidate()` (within the writer's transaction): the counts kept for the pages (portal.derived)
# queue their recount on commit.
data_changed = Signal()


def invalidate():
    """Make every cached page stale: now, for the rest of this transaction, and again once it commits
    (so that a page rendered from the old data in the meantime is not kept)."""
    _bump()
    transaction.on_commit(_bump)
    data_changed.send(sender=None)


def _changed(sender, **kwargs):
    if kwargs.get("raw"):  # loaddata
        return
    invalidate()


def _bump():
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, time.time_ns(), None)
    _recent[:] = [None, 0.0]  # this process's own change: its next request reads the new version


def pages_refreshed():
    """Counts that pages show (portal.derived) were computed again in the background: stored pages are stale.
    Unlike `invalidate()` it sends no `data_changed` (which would queue the recount again)."""
    _bump()


def _redis_answers_again(sender, **kwargs):
    # This process dropped a write while Redis was away, perhaps the bump after a save: the pages
    # Redis still holds may predate the data.
    _bump()


recovered.connect(_redis_answers_again, dispatch_uid="pagecache-redis-recovered")


def _next_change(now):
    times = [t for t in (next_change(now) for next_change in _schedules) if t is not None]
    return min(times).timestamp() if times else None


def version(*, also=()):
    """The current data version: a string that changes whenever public pages may show something else.

    With `also`, returns (version, {key: value}) with those cache keys read in the same round trip (a
    stored page, which holds the version it was rendered at)."""
    found = cache.get_many([VERSION_KEY, NEXT_CHANGE_KEY, *also])
    counter = found.get(VERSION_KEY)
    if counter is None:
        # A fresh, unguessable start, so that no older entry can be picked up again.
        cache.add(VERSION_KEY, time.time_ns(), None)
        counter = cache.get(VERSION_KEY)
    now = timezone.now()
    computed_for, due = found.get(NEXT_CHANGE_KEY) or (None, None)
    if computed_for != counter:
        due = _next_change(now)
        cache.set(NEXT_CHANGE_KEY, (counter, due), TTL)
    elif due is not None and now.timestamp() >= due:
        _bump()  # the scheduled change has come: a new version, whose next change is computed next time
        current = version()
        return (current, {}) if also else current  # whatever was read with it is older than the new version
    current = f"{counter}.{timezone.localdate(now):%Y%m%d}"
    _recent[:] = [current, time.monotonic() + settings.PORTAL_PAGE_VERSION_REUSE_MS / 1000]
    return (current, {key: found[key] for key in also if key in found}) if also else current


def _recent_version():
    current, until = _recent
    return current if current is not None and time.monotonic() < until else version()


def forget_local():
    """Drop what this process keeps of the pages (its own copies, the version it reuses): for code that empties the
    cache itself and renders next (the bench's cold renders), which would otherwise be served this process's copy."""
    with _local_lock:
        _local.clear()
    _recent[:] = [None, 0.0]


def _stored(key):
    """(current version, the entry stored under `key` if it was rendered at that version, else None)."""
    current, found = version(also=[key])
    entry = found.get(key)
    if entry is not None and entry[0] == current:
        return current, entry[1:]
    return current, None


def _marker(name):
    # Derived from the secret key, so page content cannot forge a hole, and the same in every process.
    return f"portal-hole-{name}-{salted_hmac('portal.pagecache', name).hexdigest()[:20]}"


def _holes():
    return {"header": _marker("header"), "messages": _marker("messages")}


def _part_marker(name):
    return _marker(f"part-{name}")


def holes(request):
    """Context processor: while a page is rendered for the cache, base.html writes markers instead of
    the header and the messages, and the page writes markers instead of its own visitor parts (and, on an
    organisation's own page, instead of the CSRF token, in the place of Django's own processor)."""
    context = {"page_holes": getattr(request, "_page_holes", None), "page_parts": getattr(request, "_page_parts", {})}
    csrf = csrf_hole(request)
    if csrf is not None:
        context["csrf_token"] = csrf
    return context


def _fill(request, content, parts):
    """Render the visitor's own parts and put them into the holes."""
    marks = _holes()
    separator = _marker("separator")
    rendered = render_to_string("includes/page_holes.html", {"separator": separator}, request=request)
    header, messages = rendered.split(separator)
    content = content.replace(marks["header"], header, 1).replace(marks["messages"], messages, 1)
    for name, render in parts.items():
        marker = _part_marker(name)
        if marker in content:  # the page may leave a part out (a closed call has no next step)
            content = content.replace(marker, render(), 1)
    return content


def _key(request, params):
    # "1"/"0": the page with holes, signed in or not (the whole page of an anonymous visitor: `_whole_key`).
    # The entry holds the data version it was rendered at (first in the stored tuple), so that the version
    # and the page come in one round trip to the cache; a newer version makes it stale.
    visitor = "1" if request.user.is_authenticated else "0"
    parts = [
        get_language(), visitor, request.scheme,
        request.get_host(), request.path, "&".join(f"{k}={request.GET[k]}" for k in sorted(params)),
    ]
    return "pages:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _cacheable(request, allowed):
    if request.method != "GET":
        return None
    params = set(request.GET)
    if not params <= set(allowed):
        return None
    if any(len(request.GET.getlist(k)) != 1 or not CACHEABLE_VALUE.match(request.GET[k]) for k in params):
        return None
    return params


def public_page(view=None, *, params=(), parts=None):
    """Serve a public GET view from the cache. `params` names the query parameters the page varies on;
    a request with any other parameter (or an odd value) is rendered as usual, without the cache.

    `parts` maps a name to `render(request, *args, **kwargs) -> str` (the view's own arguments): a piece
    of the page that depends on the visitor, rendered for every request where the template writes
    `{{ page_parts.NAME }}`.

    Only 200 responses are kept. Beyond its `parts`, the view must not depend on the visitor beyond
    being signed in or not."""
    parts = dict(parts or {})

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            own = {name: functools.partial(render, request, *args, **kwargs) for name, render in parts.items()}
            varies = _cacheable(request, params)
            if varies is None:
                request._page_parts = own  # rendered in place (a template calls the callable)
                return view(request, *args, **kwargs)
            if _anonymous_and_plain(request):
                return _whole_page(request, view, args, kwargs, own)
            key = _key(request, varies)
            current, hit = _stored(key)
            if hit is not None:
                content_type, content = hit
                return _response(request, content_type, content, own)
            request._page_holes = _holes()
            request._page_parts = {name: _part_marker(name) for name in parts}
            try:
                response = view(request, *args, **kwargs)
                if hasattr(response, "render"):  # a TemplateResponse renders late: render it with the holes
                    response.render()
            finally:
                del request._page_holes, request._page_parts
            if response.status_code != 200 or response.streaming or response.cookies:
                return response
            content = response.content.decode(response.charset)
            cache.set(key, (current, response["Content-Type"], content), TTL)
            filled = _response(request, response["Content-Type"], content, own)
            for header, value in response.items():
                if header.lower() != "content-length":
                    filled.headers.setdefault(header, value)
            return filled

        wrapper.public_page_params = tuple(params)  # WholePageMiddleware looks for it
        return wrapper

    return decorator(view) if view is not None else decorator


def _response(request, content_type, content, parts):
    if content_type.startswith("text/html"):
        content = _fill(request, content, parts)
    response = HttpResponse(content, content_type=content_type)
    # The page holds this visitor's header (their address, a CSRF token): no shared cache may keep it.
    patch_cache_control(response, private=True)
    return response


def _anonymous_and_plain(request):
    """An anonymous visitor with nothing of their own to show: no session (so not signed in, nothing
    remembered) and no flash message waiting. Decided from the cookies alone, without a query."""
    return not request.COOKIES.get(settings.SESSION_COOKIE_NAME) and not request.COOKIES.get(CookieStorage.cookie_name)


def _whole_key(request, language):
    # The raw query string: the view decides which ones are worth storing (`public_page(params=...)`). "w2": the
    # entry's second shape (every header, as pairs), so that what an older release stored is never read as this one.
    parts = [language, "w2", request.scheme, request.get_host(), request.path, request.META.get("QUERY_STRING", "")]
    return "pages:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


class WholePageMiddleware:
    """Serves an anonymous visitor's stored whole page before the rest of the middleware runs (no session, no
    locale, no CSRF, no URL resolution beyond a lookup per path and process: what a fixed response costs, plus one
    round trip to the cache), and stores
    the pages `public_page` marks as the same for every such visitor, with the headers the inner middleware gave
    them. It sits just inside SecurityMiddleware and WhiteNoise, whose headers every response gets anyway."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "GET" or not _anonymous_and_plain(request) or not _is_public_page(request):
            return self.get_response(request)
        # The language LocaleMiddleware is about to choose (the cookie, then Accept-Language): no i18n_patterns.
        language = translation.get_language_from_request(request)
        try:
            key = _whole_key(request, language)
        except DisallowedHost:  # CommonMiddleware answers it, with the error page in the visitor's language
            return self.get_response(request)
        current, hit = _stored_whole(key)
        if hit is not None:
            content, headers = hit
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            response["Content-Length"] = str(len(content))  # as CommonMiddleware gives the rendered one
            return response
        response = self.get_response(request)
        if (getattr(response, "whole_page", False) and response.status_code == 200 and not response.cookies
                and response.get("Content-Language") == language):
            headers = [(name, value) for name, value in response.items() if name.lower() != "content-length"]
            cache.set(key, (current, response.content, headers), TTL)
        return response


# Whole pages this process has served, kept beside the cache's copy: {key: (version, content, headers)}, the most
# recently served last. While the data version stays the same, a request asks the cache for the version alone (a few
# bytes) instead of the page (tens of KB), and not even that within PORTAL_PAGE_VERSION_REUSE_MS of the last time it
# asked (`_recent_version`). Bounded: pages are 10-40 KB.
LOCAL_PAGES = 256
_local = collections.OrderedDict()
_local_lock = threading.Lock()


def _stored_whole(key):
    """As `_stored(key)`, for a whole page, from this process's copy when it is of the current version."""
    with _local_lock:
        local = _local.get(key)
    if local is not None:
        current = _recent_version()
        if local[0] == current:
            return current, local[1:]
    current, hit = _stored(key)  # the page with the version, in one round trip
    if hit is not None:  # only what the cache holds at the current version: never a render made during an outage
        with _local_lock:
            _local[key] = (current, *hit)
            _local.move_to_end(key)
            while len(_local) > LOCAL_PAGES:
                _local.popitem(last=False)
    return current, hit


def _is_public_page(request):
    # Only a `public_page` view, asked with the parameters it stores pages for, has a stored whole page: any other
    # request (sign-in, a 404, a search) costs no round trip.
    params = _public_page_params(get_urlconf(), request.path_info)
    return params is not None and _cacheable(request, params) is not None


@functools.lru_cache(maxsize=4096)
def _public_page_params(urlconf, path):
    # What resolving the path says never changes while the process runs; resolving costs more than the rest of a hit.
    try:
        return getattr(resolve(path, urlconf).func, "public_page_params", None)
    except Resolver404:
        return None


def _whole_page(request, view, args, kwargs, parts):
    request._page_parts = parts  # rendered in place, for an anonymous visitor
    response = view(request, *args, **kwargs)
    if hasattr(response, "render"):
        response.render()
    if response.status_code != 200 or response.streaming:
        return response
    session = getattr(request, "session", None)
    if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or (session is not None and session.modified):
        # Something of this visitor's own (a CSRF token, a session) is in the page or on its way out as a
        # cookie: this render is theirs alone.
        patch_cache_control(response, private=True)
        return response
    # Browsers and proxies ask again every time (the data version may have moved since), and a request with
    # other cookies or another language is another response.
    patch_cache_control(response, max_age=0)
    patch_vary_headers(response, ("Cookie", "Accept-Language"))
    response.whole_page = True  # WholePageMiddleware stores it on its way out
    return response


# --- An organisation's own pages ------------------------------------------------------------------------

SCOPE_KEY = "pages:scope:{}"
EVERY_SCOPE = "all"  # a change that may show on every scope's pages (a person's account)


def watch_scoped(scopes_of, *models, ignore_fields=()):
    """Refresh the stored pages of the scopes `scopes_of(instance)` names (organisation ids; None: every scope)
    whenever one of these models is saved or deleted. A save that writes only `ignore_fields` (a sign-in's
    last_login) changes nothing a page shows."""
    ignored = frozenset(ignore_fields)

    def changed(sender, instance, **kwargs):
        if kwargs.get("raw"):
            return
        fields = kwargs.get("update_fields")
        if ignored and fields and set(fields) <= ignored:
            return
        scopes = scopes_of(instance) if scopes_of is not None else None
        for scope in (EVERY_SCOPE,) if scopes is None else scopes:
            if scope is not None:
                invalidate_scope(scope)

    for model in models:
        label = model._meta.label
        post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"pagecache-scoped-save-{label}")
        post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"pagecache-scoped-delete-{label}")


def invalidate_scope(scope):
    """Make the stored pages of `scope` stale: now, and again once the transaction commits."""
    key = SCOPE_KEY.format(scope)
    _bump_key(key)
    transaction.on_commit(functools.partial(_bump_key, key))


def _bump_key(key):
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, time.time_ns(), None)


def scoped_page(request, scope, build, *, vary=()):
    """Serve the page `build()` renders (a response) from the cache while neither the data version nor `scope`'s
    version has moved since it was stored. `vary` names what else the page depends on (the viewer's membership
    and role); the key also holds the language, the host and the path. A GET with query parameters is built as
    usual.

    `build()` must show only data of its scope (or of the public pages, which the data version follows), the
    viewer's own parts being the holes. A response may say until when it stays right (`response.fresh_until`,
    an aware datetime: an invitation expiring). Only 200 responses are kept."""
    if request.method != "GET" or request.GET:
        return build()
    parts = [get_language(), request.scheme, request.get_host(), request.path, str(scope), *map(str, vary)]
    key = "pages:scoped:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()
    scope_key, every_key = SCOPE_KEY.format(scope), SCOPE_KEY.format(EVERY_SCOPE)
    current, found = version(also=[scope_key, every_key, key])
    missing = [name for name in (scope_key, every_key) if found.get(name) is None]
    if missing:  # a fresh, unguessable start, which no stored entry can hold
        for name in missing:
            cache.add(name, time.time_ns(), None)
        found.update(cache.get_many(missing))
    stamp = (current, found.get(scope_key), found.get(every_key))
    entry = found.get(key)
    if entry is not None and None not in stamp and entry[0] == stamp and (entry[1] is None or time.time() < entry[1]):
        return _scoped_response(request, *entry[2:])

    needed_csrf = request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    request._page_holes, request._page_tokens = _holes(), set()
    try:
        response = build()
        if hasattr(response, "render"):
            response.render()
        tokens = request._page_tokens
    finally:
        del request._page_holes, request._page_tokens
    session = getattr(request, "session", None)
    if (response.status_code != 200 or response.streaming or response.cookies or None in stamp
            or request.META.get("CSRF_COOKIE_NEEDS_UPDATE") != needed_csrf
            or (session is not None and session.modified)):
        # Not a page to keep, or something of this visitor's own went into it: theirs alone, holes filled.
        if not response.streaming and response.get("Content-Type", "").startswith("text/html"):
            response.content = _fill_tokens(request, _fill(request, response.content.decode(response.charset), {}),
                                            tokens)
        return response
    fresh_until = getattr(response, "fresh_until", None)
    content = response.content.decode(response.charset)
    cache.set(key, (stamp, fresh_until.timestamp() if fresh_until else None, response["Content-Type"], content,
                    sorted(tokens)), TTL)
    filled = _scoped_response(request, response["Content-Type"], content, sorted(tokens))
    for header, value in response.items():
        if header.lower() != "content-length":
            filled.headers.setdefault(header, value)
    return filled


def _scoped_response(request, content_type, content, tokens):
    response = _response(request, content_type, content, {})
    response.content = _fill_tokens(request, response.content.decode(response.charset), tokens)
    return response


def csrf_hole(request):
    """While a scoped page is rendered for the cache, its forms' CSRF token is a hole (`holes` puts it into
    the context in the place of Django's)."""
    return _marker("csrf") if getattr(request, "_page_tokens", None) is not None else None


def once_token(request, purpose):
    """The one-time token of a form of `purpose` (portal.once), or its hole while a scoped page is rendered for
    the cache."""
    from portal import once

    tokens = getattr(request, "_page_tokens", None)
    if tokens is None:
        return once.issue(user=request.user, purpose=purpose)
    tokens.add(purpose)
    return _marker(f"once-{purpose}")


def _fill_tokens(request, content, tokens):
    from django.middleware.csrf import get_token

    from portal import once

    marker = _marker("csrf")
    if marker in content:
        content = content.replace(marker, get_token(request))
    for purpose in tokens:
        content = content.replace(_marker(f"once-{purpose}"), once.issue(user=request.user, purpose=purpose))
    return content
