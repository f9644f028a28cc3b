import importlib
import importlib.util
import random
import time
from collections import deque
from contextlib import contextmanager

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from portal import demo, pagecache

# Each app contributes demo data through a `seed(*, rng, scale, stdout)` function,
# run in this order because later apps build on earlier ones.
SEEDERS = ["portal.demo", "members.demo", "news.demo", "projects.demo", "delivery.demo", "spread.demo",
           "privacy.demo"]


class Command(BaseCommand):
    help = (
        "Load demo data (idempotent and deterministic for a given seed). --scale N asks for N organisations "
        f"(at least {demo.SMALL_ORGANISATIONS}, the default small demo) and about N/2 proposals: "
        "--scale 10000 loads 10,000 organisations and 5,000 proposals."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=int, default=1,
            help=f"Number of organisations (values up to {demo.SMALL_ORGANISATIONS} give the small demo).",
        )
        parser.add_argument("--seed", type=int, default=2024, help="Random seed; the same seed gives the same data.")
        parser.add_argument(
            "--allow-production", action="store_true",
            help="Run even with DEBUG off (demo accounts have published passwords: never on a real site).",
        )

    def handle(self, *args, scale, seed, allow_production, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError("Refusing to load demo data with DEBUG off; pass --allow-production for benchmarks.")
        if scale < 1:
            raise CommandError("--scale must be at least 1.")
        demo.SHOW_PROGRESS = self.stdout.isatty()
        started = time.monotonic()
        for path in demo.progress(SEEDERS, desc="seed_demo"):
            module = _load(path)
            if module is None:
                continue
            own_transaction = not connection.in_atomic_block
            with _no_query_log(), transaction.atomic():
                if own_transaction:
                    _check_each_statement()
                module.seed(rng=random.Random(f"{seed}:{path}"), scale=scale, stdout=self.stdout)
        # Bulk-created rows send no signals: make every cached page and figure stale at once.
        pagecache.invalidate()
        if connection.vendor == "postgresql":
            # Fresh statistics for the planner: after a bulk load it would otherwise guess (and where
            # autovacuum is off, keep guessing), e.g. scanning every review score for each listed proposal.
            # VACUUM too: its visibility map lets the long lists read a deep page's ids from an index alone
            # (portal.pagination), which autovacuum would do later on its own.
            # (VACUUM cannot run in a transaction, e.g. a test's: ANALYZE alone there.) It reads the whole
            # database, so it gets no statement timeout and no client deadline (a request's 5 s: not enough at
            # --scale 100000 on a busy machine).
            with _no_time_limit(), connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        self.stdout.write(self.style.SUCCESS(f"Demo data ready in {time.monotonic() - started:.1f} s."))


@contextmanager
def _no_query_log():
    """With DEBUG on, Django keeps the last 9,000 statements' SQL in memory: here bulk inserts of thousands of rows
    each, hundreds of MB at large scales. seed_demo keeps none."""
    log, connection.queries_log = connection.queries_log, deque(maxlen=0)
    try:
        yield
    finally:
        connection.queries_log = log


@contextmanager
def _no_time_limit():
    """No statement timeout and no client deadline in the block (outside a transaction: SET, then RESET to the
    connection's own setting)."""
    previous, connection.client_deadline = connection.client_deadline, 0
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")
        yield
    finally:
        connection.client_deadline = previous
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")


def _check_each_statement():
    """Check foreign keys as each statement ends, not all at the commit: a seeder's transaction writes millions of
    rows at large scales, and PostgreSQL would queue a deferred check for each (memory on the server, and a commit
    that outlasts the client's deadline). Only in the command's own transactions: a caller's (a test's) keeps its
    constraints' modes."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _load(path):
    if importlib.util.find_spec(path) is None:
        return None
    return importlib.import_module(path)
