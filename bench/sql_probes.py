"""SQL time per page, cold and warm: `python -m bench.sql_probes [--json FILE] [--repeat N]`.

Run against a seeded database (`seed_demo --scale N`) with the settings of the portal (DJANGO_DEBUG=1 is
enough: the cache is then local to this process, so "cold" really is an empty cache). Each probe is fetched
through Django's test Client, signed in as the demo staff member for the admin's pages:

- cold: the cache emptied first (every cached page and figure is computed again, as after a save);
- warm: the same request again, right after.

Each SQL statement is timed where Django sends it (`connection.execute_wrapper`), so the numbers are the
database's answer time seen from the portal, rendering left out. With `--repeat N` each probe runs N times
and the median is kept. The probes cover what issue 19 names: the public pages, the directory's deep page and
search, every sortable column of the two admin lists in both directions, their deep pages and search boxes,
and the admin index. `bench/run.py` may call `probes()` and `measure()`; the target is
`TARGET_MS` of SQL at most, and at most `GROWTH` times the SQL time at the smaller scale.
"""

import argparse
import json
import os
import re
import statistics
import sys
import time

TARGET_MS = 50
GROWTH = 1.5


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()


class _Timer:
    def __init__(self):
        self.total = 0.0
        self.count = 0
        self.slowest = (0.0, "")

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = (time.perf_counter() - started) * 1000
            self.total += spent
            self.count += 1
            if spent > self.slowest[0]:
                self.slowest = (spent, sql[:300])


def _client(staff):
    from django.conf import settings
    from django.test import Client

    host = settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS and settings.ALLOWED_HOSTS[0] != "*" else "127.0.0.1"
    client = Client(HTTP_HOST=host, raise_request_exception=True)
    if staff is not None:
        client.force_login(staff)
    return client


def _sort_links(client, path):
    """The `o=` values of a changelist's sortable headers, as the page offers them."""
    html = client.get(path).content.decode()
    found = []
    for value in re.findall(r'<th scope="col" class="sortable[^"]*"[^>]*>.*?href="\?o=([0-9]+)', html, re.S):
        if value not in found:
            found.append(value)
    return found


def probes():
    """[(name, path, signed in as staff?)]: every page issue 19 measures."""
    from django.contrib.auth import get_user_model

    from members.models import Organization
    from portal.demo import DEMO_STAFF_EMAIL
    from projects.models import Proposal

    staff = get_user_model().objects.filter(email=DEMO_STAFF_EMAIL).first()
    listed = Organization.objects.listed().count()
    out = [
        ("home", "/", False),
        ("figures", "/stats/", False),
        ("directory", "/members/", False),
        ("directory, last page", f"/members/?page={max(1, (listed + 19) // 20)}", False),
        ("directory, middle page", f"/members/?page={max(1, listed // 40)}", False),
        ("directory, search", "/members/?q=한결정밀", False),
        ("directory, search (English)", "/members/?q=tech", False),
        ("directory, institutions", "/members/?kind=institution", False),
    ]
    if staff is None:
        return out, None
    client = _client(staff)
    out.append(("admin index", "/admin/", True))
    for label, path, rows in (
        ("organisations", "/admin/members/organization/", Organization.objects.count()),
        ("proposals", "/admin/projects/proposal/", Proposal.objects.count()),
    ):
        out.append((f"admin {label}", path, True))
        out.append((f"admin {label}, last page", f"{path}?p={max(1, (rows + 49) // 50)}", True))
        for column in _sort_links(client, path):
            out.append((f"admin {label}, sort {column}", f"{path}?o={column}", True))
            out.append((f"admin {label}, sort -{column}", f"{path}?o=-{column}", True))
        query = "한결" if label == "organisations" else "테크"
        out.append((f"admin {label}, search", f"{path}?q={query}", True))
        out.append((f"admin {label}, search, last page", f"{path}?q={query}&p=2", True))
    return out, staff


def measure(pages, staff, repeat=1):
    from django.core.cache import cache
    from django.db import connection

    results = []
    for name, path, signed_in in pages:
        client = _client(staff if signed_in else None)
        runs = {"cold": [], "warm": []}
        counts = {}
        slowest = {}
        status = None
        for _ in range(repeat):
            for kind in ("cold", "warm"):
                if kind == "cold":
                    cache.clear()
                    if signed_in:
                        client.force_login(staff)  # the session may live in the cache
                timer = _Timer()
                with connection.execute_wrapper(timer):
                    response = client.get(path)
                status = response.status_code
                runs[kind].append(timer.total)
                counts[kind] = timer.count
                if timer.slowest[0] >= slowest.get(kind, (0, ""))[0]:
                    slowest[kind] = timer.slowest
        results.append({
            "name": name, "path": path, "status": status,
            "cold_ms": round(statistics.median(runs["cold"]), 1), "warm_ms": round(statistics.median(runs["warm"]), 1),
            "cold_queries": counts["cold"], "warm_queries": counts["warm"],
            "slowest_ms": round(slowest["cold"][0], 1), "slowest_sql": slowest["cold"][1],
        })
    return results


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", help="write the results to this file too")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--only", help="a regular expression on the probe names")
    args = parser.parse_args(argv[1:])
    _setup()
    pages, staff = probes()
    if args.only:
        pages = [p for p in pages if re.search(args.only, p[0])]
    results = measure(pages, staff, repeat=args.repeat)
    width = max(len(r["name"]) for r in results)
    for r in results:
        flag = "" if max(r["cold_ms"], r["warm_ms"]) <= TARGET_MS else f"  > {TARGET_MS} ms"
        print(f"{r['name']:<{width}}  {r['status']}  cold {r['cold_ms']:7.1f} ms ({r['cold_queries']:2d} q)"
              f"  warm {r['warm_ms']:7.1f} ms ({r['warm_queries']:2d} q)  slowest {r['slowest_ms']:6.1f}{flag}")
    if args.json:
        with open(args.json, "w") as out:
            json.dump(results, out, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main(sys.argv)
