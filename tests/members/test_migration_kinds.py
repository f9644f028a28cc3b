"""The migration that adds public enterprises (and the 법인등록번호) keeps every existing row valid: companies
and institutions saved before it pass its replaced constraints, and calls gain the public enterprises'
settings with the large enterprises' defaults."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from members import business_numbers

pytestmark = pytest.mark.django_db(transaction=True)

# The migrations under test, by the end of their names (they may be renumbered when branches meet).
UNDER_TEST = {"members": "_public_enterprises_corporate_number", "projects": "_call_public_enterprise_shares"}


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def before_and_latest():
    """The states just before the migrations under test, and the latest state of every app."""
    graph = MigrationExecutor(connection).loader.graph
    before = []
    for app, suffix in UNDER_TEST.items():
        (node,) = [n for n in graph.nodes if n[0] == app and n[1].endswith(suffix)]
        before += [parent for parent in graph.node_map[node].parents if parent.key[0] == app]
    return [parent.key for parent in before], graph.leaf_nodes()


def test_rows_saved_before_the_migration_stay_valid_after_it():
    before, latest = before_and_latest()
    old = migrate(before)
    try:
        Organization, Industry = old.get_model("members", "Organization"), old.get_model("members", "Industry")
        Call = old.get_model("projects", "Call")
        industry = Industry.objects.order_by("pk").first()
        common = {"industry": industry, "address": "서울특별시 중구 1", "representative": "김대표", "employees": 10}
        Organization.objects.create(kind="company", tier="large", name="옛기업",
                                    business_number=business_numbers.example(1, "81"), **common)
        Organization.objects.create(kind="institution", institution_type="public", name="옛공공기관",
                                    business_number=business_numbers.example(2, "82"), **common)
        now = timezone.now()
        Call.objects.create(title="옛 공모", opens_at=now, closes_at=now + datetime.timedelta(days=30))
    finally:
        new = migrate(latest)  # every app back to its latest migration, whatever came after ours
    Organization, Call = new.get_model("members", "Organization"), new.get_model("projects", "Call")
    rows = {o.name: o for o in Organization.objects.filter(name__in=["옛기업", "옛공공기관"])}
    assert (rows["옛기업"].kind, rows["옛기업"].tier, rows["옛기업"].corporate_number) == ("company", "large", "")
    assert (rows["옛공공기관"].kind, rows["옛공공기관"].institution_type) == ("institution", "public")
    call = Call.objects.get(title="옛 공모")
    assert (call.gov_share_public_enterprise, call.cash_min_public_enterprise) == (50, 15)
    # The new kind goes in under the replaced constraints (a public agency's rows could be moved to it).
    Organization.objects.filter(pk=rows["옛공공기관"].pk).update(kind="public_enterprise", institution_type="")
