"""The `search` and `holds` lookups (portal.db.search): the rows icontains finds, from the bigram indexes on PostgreSQL
(search) or a LIKE that upper-cases nothing for a term without case (holds)."""

import pytest
from django.db import connection
from django.db.models import Q

from members.models import Organization
from tests import personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def names(db):
    for name, english in (("한결정밀", "Hangyeol Precision"), ("누리테크", "Nuri Tech"), ("(주)다온소재", ""),
                          ("100%정밀", "Percent_Precision"), ("NT테크", "NT Tech"), ("ßtraße-1", "ſtar µ-İ")):
        personas.organization(name, name_en=english, status=Organization.Status.APPROVED)


TERMS = ["한결", "결정밀", "테크", "TECH", "tech", "정", "(주)", "100%", "t_p", "no", "밀 ",
         "ss", "S", "ß", "-1", "µ", "i"]


@pytest.mark.parametrize("lookup", ["search", "holds"])
@pytest.mark.parametrize("term", TERMS)
def test_search_and_holds_find_what_icontains_finds(names, lookup, term):
    def found(lookup):
        return {pk for field in ("name", "name_en")
                for pk in Organization.objects.filter(**{f"{field}__{lookup}": term}).values_list("pk", flat=True)}

    assert found(lookup) == found("icontains")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plain LIKE is PostgreSQL's")
def test_a_term_without_case_is_matched_without_upper_casing_each_row(db):
    def where(term):
        return str(Organization.objects.filter(name__holds=term).query).split("WHERE", 1)[1]

    assert "UPPER" not in where("테크") and "UPPER" not in where("100-2") and "LIKE" in where("테크")
    assert "UPPER" in where("NT테크") and "UPPER" in where("ß")


@pytest.mark.parametrize("term", ["정밀", "TECH", "nt", "e", "(주)", "없는말"])
@pytest.mark.parametrize("limit", [1, 2, 10])
def test_matches_are_the_rows_either_field_holds_and_their_count_up_to_the_limit(names, term, limit):
    from portal.db import search

    listed = Organization.objects.order_by("name", "pk")
    expected = list(listed.filter(Q(name__icontains=term) | Q(name_en__icontains=term)))
    rows, count = search.matches(listed, ["name", "name_en"], term, limit=limit)
    assert list(rows) == expected  # in the queryset's order, each row once (NT테크 holds "nt" in both fields)
    assert count == min(len(expected), limit + 1)  # limit + 1: "more than the limit"


@pytest.mark.parametrize("words", [["tech", "nt"], ["정밀", "100"], ["테크", "없는말"], ["n", "테크", "NT"]])
def test_matches_of_several_words_are_the_rows_holding_each_in_either_field(names, words):
    from portal.db import search

    listed = Organization.objects.order_by("name", "pk")
    expected = list(listed.filter(*(Q(name__icontains=word) | Q(name_en__icontains=word) for word in words)))
    for limit in (1, 10):
        rows, count = search.matches(listed, ["name", "name_en"], words, limit=limit)
        assert list(rows) == expected and count == min(len(expected), limit + 1)


def test_matches_read_their_pks_in_one_query_and_keep_the_queryset_s_filters(names, django_assert_num_queries):
    from portal.db import search

    personas.organization("심사정밀", status=Organization.Status.PENDING)
    with django_assert_num_queries(1):
        rows, count = search.matches(Organization.objects.approved(), ["name", "name_en"], "정밀", limit=5)
    assert count == 2 and sorted(rows.values_list("name", flat=True)) == ["100%정밀", "한결정밀"]


def test_korean_substrings_are_found(names):
    assert list(Organization.objects.filter(name__search="결정").values_list("name", flat=True)) == ["한결정밀"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bigram indexes are PostgreSQL's")
def test_a_two_character_search_reads_the_bigram_index(names):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a handful of rows: make the planner show its index
        sql, params = Organization.objects.filter(name__search="테크").query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "org_name_bigrams" in plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bigram indexes are PostgreSQL's")
def test_the_directory_s_search_has_indexes_of_the_members_it_lists(db):
    # Partial indexes whose condition is the directory's own (OrganizationQuerySet.listed), which PostgreSQL uses only
    # for a query that implies it (at 100,000 organisations: bench/results.md, "member directory search").
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE 'org_listed_%%_bigrams'")
        indexes = dict(cursor.fetchall())
    assert set(indexes) == {"org_listed_name_bigrams", "org_listed_name_en_bigrams"}
    for definition in indexes.values():
        assert definition.endswith("WHERE (((status)::text = 'approved'::text) AND listed_in_directory)")
    listed = str(Organization.objects.listed().query)
    assert "\"status\" IN (approved)" in listed or "\"status\" = approved" in listed
    assert '"listed_in_directory"' in listed


def test_the_proposal_admin_search_finds_titles_and_leads(client):
    call = personas.call()
    lead = personas.organization("가람테크", status=Organization.Status.APPROVED)
    by_lead = personas.ready_proposal(call, lead=lead, title="공정 최적화")
    by_title = personas.ready_proposal(call, title="스마트 테크 공장")
    personas.ready_proposal(call, title="다른 과제")
    client.force_login(personas.staff(group=personas.PROJECT_DECIDERS))
    rows = client.get("/admin/projects/proposal/", {"q": "테크"}).context["cl"].result_list
    assert {p.pk for p in rows} == {by_lead.pk, by_title.pk}
    rows = client.get("/admin/projects/proposal/", {"q": "테크 가람"}).context["cl"].result_list
    assert [p.pk for p in rows] == [by_lead.pk]  # every word, as Django's own search


def test_the_proposal_admin_search_sums_its_matches_up_to_the_limit_and_lists_its_first_rows_beyond(client,
                                                                                                     monkeypatch):
    from portal import admin

    call = personas.call()
    lead = personas.organization("가람테크", status=Organization.Status.APPROVED)
    matches = [personas.ready_proposal(call, lead=lead, title="공정 최적화", gov=1_000_000_000),
               personas.ready_proposal(call, title="스마트 테크 공장", gov=2_000_000_000)]
    personas.ready_proposal(call, title="다른 과제", gov=4_000_000_000)
    client.force_login(personas.staff(group=personas.PROJECT_DECIDERS))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    context = client.get("/admin/projects/proposal/", {"q": "테크"}).context
    assert {p.pk for p in context["cl"].result_list} == {p.pk for p in matches}
    # Each proposal's government total: the lead's `gov` and one and a half times it for the SME.
    assert context["proposal_totals"] == {"count": 2, "exact": 7_500_000_000}

    monkeypatch.setattr(admin, "SEARCH_COUNT_LIMIT", 1)
    monkeypatch.setattr(admin, "SEARCH_CAPPED_ROWS", 1)
    response = client.get("/admin/projects/proposal/", {"q": "테크"})
    newest = max(matches, key=lambda proposal: (proposal.created_at, proposal.pk))
    assert [p.pk for p in response.context["cl"].result_list] == [newest.pk]  # the list's order: newest first
    assert "proposal_totals" not in response.context  # no sum of matches it has not counted
    page = response.content.decode()
    assert "More than 1 rows match this search" in page and "/admin/projects/proposal/export.csv?q=" in page


def test_any_of_finds_the_rows_in_found_in(names):
    pks = list(Organization.objects.filter(name__search="정밀").values_list("pk", flat=True))
    assert len(pks) == 2
    assert set(Organization.objects.filter(pk__any_of=pks).values_list("pk", flat=True)) == set(pks)
    assert not Organization.objects.filter(pk__any_of=[]).exists()


def test_a_pasted_page_of_text_is_searched_quickly_and_finds_nothing(names):
    assert not Organization.objects.filter(name__search="가" * 5_000 + "x" * 5_000).exists()


@pytest.fixture
def proposals(db):
    call = personas.call()
    leads = [personas.organization(name, tier=Organization.Tier.LARGE)
             for name in ("가람테크", "누리테크", "한결정밀")]
    for lead, title in ((leads[0], "공정 최적화"), (leads[0], "테크 설비 예지보전"), (leads[1], "스마트 정밀 공장"),
                        (leads[2], "AI 불량 검출"), (leads[2], "한결 테크 라인")):
        personas.ready_proposal(call, lead=lead, title=title)
    return leads


PROPOSAL_FIELDS = ["title", "lead__name", "lead__business_number"]


@pytest.mark.parametrize("term", ["테크", "정밀", "한결", "AI", "없는말", "lead-number"])
@pytest.mark.parametrize("limit", [1, 2, 10])
@pytest.mark.parametrize("max_keys", [1, 10])
def test_matches_across_a_relation_are_the_rows_the_join_finds(proposals, term, limit, max_keys, monkeypatch):
    # With no more leads holding the term than MAX_KEYS, the lead's fields are the leads' pks, read first
    # (`lead_id = ANY(...)`); with more, the join itself: the same rows either way, in the list's order.
    from portal.db import search
    from projects.models import Proposal

    monkeypatch.setattr(search, "MAX_KEYS", max_keys)
    if term == "lead-number":
        term = proposals[1].business_number[-5:]
    listed = Proposal.objects.order_by("-created_at", "-pk")
    expected = list(listed.filter(Q(title__icontains=term) | Q(lead__name__icontains=term)
                                  | Q(lead__business_number__icontains=term)))
    rows, count = search.matches(listed, PROPOSAL_FIELDS, term, limit=limit)
    assert list(rows) == expected and count == min(len(expected), limit + 1)
    several, count = search.matches(listed, PROPOSAL_FIELDS, [term, "공"], limit=limit)
    assert list(several) == [p for p in expected if "공" in p.title or "공" in p.lead.name]


def test_a_list_walked_beyond_the_limit_checks_keys_not_text(proposals, django_assert_num_queries, monkeypatch):
    # A term over the limit walks the list's order checking each row: reading each row's title, or joining its lead
    # to read the lead's name, cost five times a check of keys in the order's index (issue 19). Two leads hold 테크 and
    # two titles: their pks are read, one query for both of the lead's fields and, beyond the limit, one for the title.
    from portal.db import search
    from projects.models import Proposal

    newest_first = Proposal.objects.order_by("-created_at")
    with django_assert_num_queries(3):
        rows, count = search.matches(newest_first, PROPOSAL_FIELDS, "테크", limit=2)
    assert count == 3
    where = str(rows.query).split("WHERE", 1)[1]
    assert "members_organization" not in where and "LIKE" not in where and "lead_id" in where
    assert len(rows) == 4  # 가람테크's two, 누리테크's one, and 한결 테크 라인 by its title
    monkeypatch.setattr(search, "MAX_KEYS", 1)  # two leads and two titles hold 테크: more than that
    rows, count = search.matches(newest_first, PROPOSAL_FIELDS, "테크", limit=2)
    where = str(rows.query).split("WHERE", 1)[1]
    assert '"members_organization"."name"' in where and '"projects_proposal"."title"' in where and len(rows) == 4


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plans are PostgreSQL's")
def test_the_walk_of_a_proposal_search_reads_the_order_s_index_alone(proposals):
    # The indexes of the admin list's orders include the lead (Proposal.Meta.indexes; not the title's): the walk is an
    # index-only scan.
    from portal.db import search
    from projects.models import Proposal

    for order in (["-created_at", "-id"], ["-government_total", "-id"], ["average_score", "-id"],
                  ["submitted_at", "-id"]):
        rows, count = search.matches(Proposal.objects.order_by(*order), PROPOSAL_FIELDS, "테크", limit=1)
        sql, params = rows.values_list("pk", flat=True)[:2].query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_sort = off; "
                           "SET LOCAL enable_incremental_sort = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "Index Only Scan" in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the array parameter is PostgreSQL's")
def test_any_of_types_its_array_as_the_column_so_postgresql_can_hash_it(proposals):
    # psycopg sends small ints as int2[]/int4[]; `bigint = ANY(int4[])` is compared element by element on each row.
    from projects.models import Proposal

    sql, params = Proposal.objects.filter(lead__any_of=[p.pk for p in proposals]).query.sql_with_params()
    assert "= ANY(%s::bigint[])" in sql
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        assert len(cursor.fetchall()) == 5
