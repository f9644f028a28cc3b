"""The Django side of `make bench`, run by bench/run.py as `python -m bench.probe <command>`.

It runs with the same production settings and database as the gunicorn under test, and prints JSON:

  info         who to sign in as, the newest published article's URL, row counts of the demo data
  recount      what the task worker does after the seed's changes (portal.derived.refresh_all): the counts of
               whole tables that pages show are stored, as they are in production before anyone asks
  clear-cache  empty the default cache (after seeding, so no page is served from an older scale)
  queries      read [{"name", "path", "email"}] on stdin; fetch each path twice through Django's test
               Client (signed in as `email` if given) and count the SQL queries of the first and of the
               second (warm) request, and the size of the response
  sql          read [{"name", "path", "email"}] on stdin (bench/run.py's PROBES); expand `{last}` (the
               highest page number the first page links to) and `{sort}` (every sortable column of an
               admin changelist); render each once untimed, then three times with the cache cleared, and
               give the least SQL time (timed around every query), wall time and query count

No production code counts queries: the Client runs the real middleware and views in this process.
"""

import json
import os
import sys


def _setup():
    # bench/run.py sets bench.settings (the site plus the floor pages), so the floors are counted too.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()


def info():
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import decrypt
    from django.apps import apps

    from members.models import Membership, Organization
    from portal.demo import DEMO_PASSWORD, DEMO_STAFF_EMAIL

    owners = Membership.objects.filter(
        role=Membership.Role.OWNER, organization__status=Organization.Status.APPROVED, user__is_active=True
    ).select_related("user")
    try:
        from members.demo import FIRST_OWNER_EMAIL
    except ImportError:
        FIRST_OWNER_EMAIL = None
    owner = owners.filter(user__email=FIRST_OWNER_EMAIL).first() or owners.order_by("pk").first()

    staff_secret = None
    totp = Authenticator.objects.filter(user__email=DEMO_STAFF_EMAIL, type=Authenticator.Type.TOTP).first()
    if totp is not None:
        staff_secret = decrypt(totp.data["secret"])

    article_url = None
    if apps.is_installed("news"):
        from news.models import Article

        article = Article.objects.published().order_by("-published_at", "-pk").first()
        article_url = article.get_absolute_url() if article else None

    counts = {}
    for label in ("members", "news", "projects"):
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        for model in config.get_models():
            counts[model._meta.label] = model._default_manager.count()
    return {
        "owner_email": owner.user.email if owner else None,
        "staff_email": DEMO_STAFF_EMAIL,
        "password": DEMO_PASSWORD,
        "staff_totp_secret": staff_secret,
        "article_url": article_url,
        "row_counts": counts,
    }


def recount():
    from portal import derived

    return {"recounted": derived.refresh()}


def clear_cache():
    from django.core.cache import cache

    cache.clear()
    return {"cleared": True}


def queries(pages):
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    User = get_user_model()
    host = settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else "127.0.0.1"
    results = {}
    for page in pages:
        client = Client(HTTP_HOST=host, raise_request_exception=False)
        if page.get("email"):
            # The load test signs in through the real forms; for counting, a session for the same user will do
            # (the admin's MFA rule looks at the user's authenticators, which the demo staff member has).
            client.force_login(User.objects.get(email=page["email"]))
        runs = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(page["path"])
            runs.append({"status": response.status_code, "queries": len(ctx.captured_queries),
                         "bytes": len(response.content) if not response.streaming else None})
        results[page["name"]] = {
            "status": runs[-1]["status"],
            "first": runs[0]["queries"],
            "warm": runs[1]["queries"],
            "bytes": runs[1]["bytes"],
        }
    return results


def _client(email):
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    host = settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else "127.0.0.1"
    client = Client(HTTP_HOST=host, raise_request_exception=False)
    if email:
        client.force_login(get_user_model().objects.get(email=email))
    return client


def _expand(client, path):
    """`{last}`: the highest page number the first page links to; `{sort}`: one path per sortable column
    (the admin's `?o=N` links in the column headers). Returns [(suffix, path)]."""
    import re

    if "{last}" not in path and "{sort}" not in path:
        return [("", path)]
    first = client.get(path.replace("{last}", "1").replace("o={sort}", "").rstrip("?&"))
    html = first.content.decode(errors="replace")
    if "{last}" in path:
        pages = [int(n) for n in re.findall(r"[?&;](?:p|page)=(\d+)", html)]
        return [("", path.replace("{last}", str(max(pages, default=1))))]
    columns = set()
    for head in re.findall(r'<th[^>]*class="[^"]*sortable[^"]*"[^>]*>(.*?)</th>', html, re.S):
        found = re.search(r"[?&;]o=-?(\d+)", head)
        if found:
            columns.add(int(found.group(1)))
    columns = sorted(columns)
    return [(f" {n}", path.replace("{sort}", str(n))) for n in columns]


def sql(probes, runs=3):
    import time

    from django.core.cache import cache
    from django.db import connection

    from portal import pagecache

    results = {}
    for probe in probes:
        client = _client(probe.get("email"))
        for suffix, path in _expand(client, probe["path"]):
            samples = []
            client.get(path)  # untimed: the connection, the plans and Python's imports warm up
            for _ in range(runs):
                spent = []

                def timed(execute, sql, params, many, context, spent=spent):
                    started = time.perf_counter()
                    try:
                        return execute(sql, params, many, context)
                    finally:
                        spent.append(time.perf_counter() - started)

                cache.clear()  # a cold render: no page, no figures from the cache
                pagecache.forget_local()  # nor this process's own copy of a page
                started = time.perf_counter()
                with connection.execute_wrapper(timed):
                    response = client.get(path)
                wall = time.perf_counter() - started
                samples.append((sum(spent) * 1000, wall * 1000, len(spent), response.status_code))
            name = probe["name"] + (f" (column{suffix})" if suffix else "")
            results[name] = {
                "probe": probe["name"], "path": path, "status": samples[-1][3], "queries": samples[-1][2],
                # The best of three: a neighbour's load only ever adds time, so the least is the closest to
                # the work itself.
                "sql_ms": round(min(s[0] for s in samples), 2),
                "wall_ms": round(min(s[1] for s in samples), 2),
            }
    return results


def main(argv):
    command = argv[1] if len(argv) > 1 else ""
    _setup()
    if command == "info":
        result = info()
    elif command == "recount":
        result = recount()
    elif command == "clear-cache":
        result = clear_cache()
    elif command == "queries":
        result = queries(json.load(sys.stdin))
    elif command == "sql":
        result = sql(json.load(sys.stdin))
    else:
        sys.exit(f"usage: python -m bench.probe info|recount|clear-cache|queries|sql (got {command!r})")
    # The last line of stdout is the answer; Django may log above it.
    sys.stdout.write("\n" + json.dumps(result, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv)
