"""Writes on articles: saving with rendering, publishing, and importing feeds."""

import calendar
import datetime
import http.client
import ipaddress
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import feedparser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from news.models import Article, Category, Status, validate_http_url
from portal.files import delete_file_on_commit, new_files_discarded_on_error
from portal.rendering import html_to_text, sanitize_html

FEED_MAX_BYTES = 5 * 1024 * 1024
FEED_TIMEOUT_SECONDS = 15


@transaction.atomic
def article_save(*, article, by=None):
    """Render the body, fill in the slug, validate everything and save."""
    if article.pk is None and article.author_id is None and by is not None:
        article.author = by
    article.assign_slug()
    article.render_body()
    article.full_clean()
    # A replaced or removed cover leaves storage once this commits.
    delete_file_on_commit(article, "cover")
    with new_files_discarded_on_error(article):
        article.save()
    return article


@transaction.atomic
def article_transition(*, article, name, by, at=None):
    """Run the step `name` (a row of Article.WORKFLOW) on `article`, under the row lock."""
    locked = Article.objects.select_for_update().get(pk=article.pk)
    transition = Article.WORKFLOW.check(name, current=locked.status, seen=article.status)
    locked.status = transition.target
    if locked.status == Status.PUBLISHED:
        # An already set time is kept unless `at` is given; unpublishing keeps it too, so that
        # re-publishing keeps the article's place.
        if at is not None:
            locked.published_at = at
        elif locked.published_at is None:
            locked.published_at = timezone.now()
    locked.full_clean(exclude=["cover"])  # the stored picture was checked on upload
    locked.save(update_fields=["status", "published_at", "updated_at"])
    article.status, article.published_at, article.updated_at = locked.status, locked.published_at, locked.updated_at
    return article


def article_publish(*, article, by, at=None):
    """Publish now, or at `at` (a future time schedules it). An already set time is kept unless `at` is given."""
    return article_transition(article=article, name="publish", by=by, at=at)


def article_unpublish(*, article, by):
    """Back to draft; the publication time is kept so that re-publishing keeps the article's place."""
    return article_transition(article=article, name="unpublish", by=by)


class FeedError(Exception):
    """The feed could not be read at all; nothing was imported."""


@dataclass
class ImportResult:
    created: list = field(default_factory=list)  # Article objects
    skipped: list = field(default_factory=list)  # (label, reason)
    rejected: list = field(default_factory=list)  # (label, reason)


def import_feed(*, source, source_name="", by=None, category=Category.PRESS_RELEASE, public_only=False):
    """Create draft articles from an RSS/Atom feed (URL or local file); all or nothing.

    Entries already present (same source address or feed entry ID) are skipped; entries without a
    title or an http(s) link are rejected with a reason. Incoming HTML is sanitised, and the
    sanitised HTML is kept as the Markdown body (Markdown passes HTML through, and the rendering
    sanitises it again), so editors can still edit it before publishing.

    With `public_only` (imports started from the admin), an address is only fetched from hosts on the
    public internet: never the portal's own machine or its private network.
    """
    parsed = _parse(_read(source, public_only=public_only))
    source_name = (source_name or html_to_text(parsed.feed.get("title", "")))[:100]
    result = ImportResult()
    seen = set()
    with transaction.atomic():
        for entry in parsed.entries:
            _import_entry(entry, source_name=source_name, by=by, category=category, result=result, seen=seen)
    return result


def _read(source, *, public_only=False):
    source = str(source).strip()
    if source.startswith(("http://", "https://")):
        try:
            data = _fetch(source, public_only=public_only)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise FeedError(_("The feed could not be fetched from %(source)s: %(error)s")
                            % {"source": source, "error": getattr(exc, "reason", exc)}) from exc
    elif "://" in source:
        raise FeedError(_("Only http://, https:// addresses or local files can be imported."))
    else:
        try:
            with Path(source).open("rb") as fh:
                data = fh.read(FEED_MAX_BYTES + 1)
        except OSError as exc:
            raise FeedError(_("The feed file could not be read: %(error)s") % {"error": exc.strerror or exc}) from exc
    if len(data) > FEED_MAX_BYTES:
        raise FeedError(_("The feed is larger than 5 MB."))
    return data


# feedparser flags these but still read the document correctly.
_HARMLESS_BOZO = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


def _fetch(url, *, public_only):
    request = urllib.request.Request(url, headers={"User-Agent": "alliance-portal-news-importer"})
    if public_only:
        # No proxies (the proxy would be the peer we check), and every connection, redirects included,
        # goes to an address checked after DNS resolution (no rebinding between check and connect).
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _PublicHTTPHandler, _PublicHTTPSHandler)
    else:
        opener = urllib.request.build_opener()
    with opener.open(request, timeout=FEED_TIMEOUT_SECONDS) as response:
        return response.read(FEED_MAX_BYTES + 1)


class NotPublicAddress(OSError):
    pass


def _connect_public(address, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, source_address=None, **kwargs):
    """socket.create_connection, but only to a host whose every address is on the public internet."""
    host, port = address
    addresses = {info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)}
    private = sorted(a for a in addresses if not ipaddress.ip_address(a.split("%")[0]).is_global)
    if private or not addresses:
        raise NotPublicAddress(_("%(host)s is not a public internet address (%(addresses)s)")
                               % {"host": host, "addresses": ", ".join(private) or "-"})
    return socket.create_connection((sorted(addresses)[0], port), timeout, source_address)


class _PublicOnly:
    """Opens its socket through _connect_public (http.client's hook); TLS still checks the host name."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _connect_public


class _PublicHTTPConnection(_PublicOnly, http.client.HTTPConnection):
    pass


class _PublicHTTPSConnection(_PublicOnly, http.client.HTTPSConnection):
    pass


class _PublicHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_PublicHTTPConnection, req)


class _PublicHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_PublicHTTPSConnection, req, context=self._context)


def _parse(data):
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    problem = parsed.get("bozo_exception") if parsed.bozo else None
    if isinstance(problem, _HARMLESS_BOZO):
        problem = None
    # A truncated or malformed document is refused whole, even if some entries could be read.
    if problem is not None or not parsed.version:
        reason = problem or _("no RSS or Atom document found")
        raise FeedError(_("This is not a readable RSS or Atom feed: %(reason)s") % {"reason": reason})
    return parsed


def _import_entry(entry, *, source_name, by, category, result, seen):
    title = html_to_text(entry.get("title", ""))
    link = (entry.get("link") or "").strip()
    label = title or link or _("(entry without title or link)")
    if not title:
        result.rejected.append((label, _("missing title")))
        return
    if not link:
        result.rejected.append((label, _("missing link")))
        return
    try:
        validate_http_url(link)
    except ValidationError:
        result.rejected.append((label, _("the link is not an http:// or https:// address")))
        return
    guid = (entry.get("id") or link).strip()[:500]
    if link in seen or guid in seen or Article.objects.filter(Q(source_url=link) | Q(guid=guid)).exists():
        result.skipped.append((label, _("already imported")))
        return
    seen.update({link, guid})

    content = entry.get("content")
    raw_html = content[0].get("value", "") if content else entry.get("summary", "")
    # The sanitised HTML becomes the Markdown body inside a <div>: Markdown leaves such a block as it is
    # (indented lines would otherwise turn into code blocks), and the rendering sanitises it again.
    cleaned = sanitize_html(raw_html).strip()
    body = f"<div>\n{cleaned}\n</div>\n" if cleaned else ""
    summary_text = html_to_text(entry.get("summary", "")) or html_to_text(cleaned)
    article = Article(
        title=Truncator(title).chars(200),
        summary=Truncator(summary_text).chars(300) or Truncator(title).chars(300),
        body=body,
        category=category,
        status=Status.DRAFT,
        source_name=source_name,
        source_url=link,
        source_published_on=_entry_date(entry),
        guid=guid,
        author=by,
    )
    try:
        with transaction.atomic():
            article_save(article=article, by=by)
    except ValidationError as exc:
        reasons = "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in exc.message_dict.items())
        result.rejected.append((label, reasons))
        return
    result.created.append(article)


def _entry_date(entry):
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    moment = datetime.datetime.fromtimestamp(calendar.timegm(parsed), tz=datetime.UTC)
    return timezone.localdate(moment)
