"""Substring search that an index answers, on PostgreSQL, for the portal's search boxes (issue 19).

Django's `icontains` writes `UPPER("column"::text) LIKE UPPER('%term%')`, which no B-tree answers: every search read
every row. pg_trgm's trigram indexes answer it only for terms of three characters or more, and Korean names are
searched by two syllables as often as not (테크, 한결). So the portal indexes each searched column by its *bigrams*,
the pairs of neighbouring characters of its upper-cased text (`portal_bigrams`, an SQL function the migrations
create), in a GIN index; a search for a term of two characters or more asks first for the rows whose bigrams include
all of the term's bigrams (the index), then checks the LIKE on those only. The same rows as `icontains`, by
construction: a row that contains the term contains its bigrams.

- `field__search=term`: the lookup (registered on every CharField by portal.apps), `icontains` on other databases
  (SQLite keeps its plain scan) and for a one-character term.
- `field__holds=term`: the LIKE alone, without the index, for the checks made on rows found otherwise (a list's order,
  another word's index). `icontains`, except that on PostgreSQL a term with no letter that has case (Hangul, digits:
  most of what is searched here) is matched by a plain `LIKE`: `UPPER()` could not change such a term, nor turn
  another character into one of its own, and upper-casing each row's text was a third of a search's time.
- `matches(queryset, fields, words, limit=n)`: a search box's rows at a cost bounded by `limit`, not by how many rows
  hold the term (the public directory's search, the admin's: portal.admin.StoredCountMixin): the matches' pks are
  read once, up to `limit` + 1 of them, as a union of disjoint branches, each answered by its own field's index (an OR
  of the lookups would find the same rows, but PostgreSQL would then evaluate the whole OR, bigrams included, on
  every candidate row), that stops at the limit. Up to the limit, the pages are those pks, sorted; beyond it, the term
  is common enough that walking the list's order and checking each row finds a page in a few hundred rows, so the
  pages are a LIKE checked along the order's index, and the count says "more than `limit`". The caller lists only
  the first rows of such a search (a term just over the limit makes a page walk up to rows / limit rows per row
  listed). A related model's fields (`lead__name`) are searched in its own table first, and checked as the foreign
  key's being one of the pks found: no join per row walked.
- `field__any_of=[...]`: `field = ANY(array)`, one parameter for a list of up to `limit` pks (or of a foreign key's
  values: a related model's rows that hold a term).
- `BigramIndex(...)`: the migration operation that creates the function and one column's index, on PostgreSQL only
  (a model's Meta cannot say it on every database: SQLite has no GIN).
"""

from functools import reduce
from operator import and_, or_

from django.db.migrations.operations.base import Operation
from django.db.models import BooleanField, Case, CharField, Field, ForeignKey, Q, When
from django.db.models.lookups import Contains, IContains, In

FUNCTION = """
CREATE OR REPLACE FUNCTION portal_bigrams(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    SELECT coalesce(array_agg(DISTINCT substr(upper(value), i, 2)), '{}')
    FROM generate_series(1, length(value) - 1) AS i
$$
"""


# Characters of a term whose bigrams the index is asked for.
MAX_KEYED = 32

# The most rows holding a word whose pks `matches` reads to check a list's rows by key rather than by text
# (`_conditions`, `_by_keys`): reading them costs about 0.6 µs each at 100,000 organisations, and a term held by more
# rows than this is common enough that the rows a list walks to find a page are few.
MAX_KEYS = 1_000

# What a search condition checks (`_conditions`): a field of the row's own, keys (its pk or a foreign key), or a
# related row's field through a join.
TEXT, KEYS, JOIN = "text", "keys", "join"


class Holds(IContains):
    # Registered as "holds" below; its own name stays "icontains", which the backends' operators, casts and LIKE
    # escaping are keyed on, so the LIKE is exactly icontains's or, for a term without case, contains's.

    def as_postgresql(self, compiler, connection):
        if isinstance(self.rhs, str) and self.rhs.upper() == self.rhs == self.rhs.lower():
            return Contains(self.lhs, self.rhs).as_sql(compiler, connection)
        return self.as_sql(compiler, connection)


Field.register_lookup(Holds, lookup_name="holds")


class Search(Holds):
    # Registered as "search" below, on the columns a BigramIndex can index.

    def as_postgresql(self, compiler, connection):
        sql, params = super().as_postgresql(compiler, connection)
        if not isinstance(self.rhs, str) or len(self.rhs) < 2:
            return sql, params
        column, column_params = compiler.compile(self.lhs)
        # The bigrams of the term's first characters are enough to narrow the rows (a row holding the term holds
        # them), and keep a pasted page of text from asking the index for thousands of keys.
        return (f"(portal_bigrams({column}::text) @> portal_bigrams(%s) AND {sql})",
                (*column_params, self.rhs[:MAX_KEYED], *params))


CharField.register_lookup(Search, lookup_name="search")


def matches(queryset, fields, words, *, limit):
    """(rows, count): the `queryset` rows where each of `words` (a term, or a list of them) is in one of `fields`, and
    how many there are, but never more than `limit` + 1 (which means "more than `limit`"; see the module's docstring).
    One query reading at most `limit` + 1 pks, whatever the number of matches, after one per word and related model
    searched (`_conditions`), and beyond the limit, with a related model, one per word (`_by_keys`). Of several words,
    the longest (whose bigrams narrow the rows most) is looked up in the indexes; the others are checked on the rows
    it finds."""
    words = [words] if isinstance(words, str) else sorted(words, key=len, reverse=True)
    model = queryset.model
    term, *others = [_conditions(model, fields, word) for word in words]
    rows = queryset.order_by()
    for other in others:
        rows = rows.filter(_anywhere(other))
    pks = _pks(rows, term, limit=limit)
    if len(pks) <= limit:
        return queryset.filter(pk__any_of=pks), len(pks)
    every_word = reduce(and_, (_anywhere(_by_keys(queryset, word)) for word in (term, *others)))
    # As a CASE, which PostgreSQL's planner takes to hold for half the rows, as it does for any expression it has no
    # statistics on; for the LIKE itself it guesses a few rows (it cannot know a substring's frequency), and would
    # then find every match by another index and sort them all rather than walk the order's index.
    return queryset.filter(Case(When(every_word, then=True), default=False, output_field=BooleanField())), len(pks)


def _conditions(model, fields, word):
    """[(found, holds, kind)]: Q objects of the `model` rows that hold `word` in `fields`, by index (found) and as a
    check of rows found otherwise (holds), one per field of the model's own (kind TEXT) and one per related model
    searched (KEYS, or JOIN: one per field).

    A related model's fields (`lead__name`, `lead__business_number`) are searched on their own table first: when no
    more than MAX_KEYS of its rows hold the word, the condition is the foreign key's being one of theirs (`lead_id =
    ANY(...)`, which PostgreSQL hashes), the same rows as the join, at the cost of a column's check. Else the join."""
    conditions, relations = [], {}
    for field in fields:
        name, _, rest = field.partition("__")
        relation = model._meta.get_field(name) if rest else None
        if relation is not None and relation.many_to_one:
            relations.setdefault(relation, []).append(rest)
        else:
            conditions.append((Q(**{f"{field}__search": word}), Q(**{f"{field}__holds": word}), TEXT))
    for relation, remote_fields in relations.items():
        related = relation.related_model
        keys = _keys(related._base_manager.order_by(), _conditions(related, remote_fields, word))
        if keys is not None:
            conditions.append((Q(**{f"{relation.name}__any_of": keys}),) * 2 + (KEYS,))
        else:
            conditions += [(Q(**{f"{relation.name}__{remote}__search": word}),
                            Q(**{f"{relation.name}__{remote}__holds": word}), JOIN) for remote in remote_fields]
    return conditions


def _by_keys(queryset, conditions):
    """`conditions` with those on the model's own fields replaced by the pks of the `queryset` rows that meet them, if
    there are no more than MAX_KEYS, when the others are a related model's keys: a list walked in its order (a term
    over the limit) then checks each row in the order's index alone, where the index includes the foreign key
    (Proposal's), without reading the row. (Not for a search of the model's own fields alone: reading their pks costs
    more than checking the text of the few rows such a walk reads.)"""
    kinds = {kind for found, holds, kind in conditions}
    if kinds != {TEXT, KEYS}:
        return conditions
    keys = _keys(queryset.order_by(), [condition for condition in conditions if condition[2] == TEXT])
    if keys is None:
        return conditions
    return [(Q(pk__any_of=keys),) * 2 + (KEYS,)] + [condition for condition in conditions if condition[2] == KEYS]


def _keys(rows, conditions):
    keys = _pks(rows, conditions, limit=MAX_KEYS)
    return keys if len(keys) <= MAX_KEYS else None


def _pks(rows, conditions, *, limit):
    """The pks of up to `limit` + 1 `rows` that meet one of `conditions` ([(found, holds, kind)]), in one query: a
    union of branch i, the rows condition i finds (by its index) and no earlier one holds, so the branches never share
    a row and UNION ALL needs no duplicate check, which would read every match before the LIMIT could stop it. (An OR
    of the conditions would find the same rows, but PostgreSQL would then evaluate the whole OR, bigrams included, on
    every candidate row.)"""
    first, *rest = [
        reduce(lambda branch, earlier: branch.exclude(earlier[1]), conditions[:i], rows.filter(found)).values_list(
            "pk", flat=True)
        for i, (found, holds, kind) in enumerate(conditions)
    ]
    return list((first.union(*rest, all=True) if rest else first)[: limit + 1])


def _anywhere(conditions):
    return reduce(or_, (holds for found, holds, kind in conditions))


class AnyOf(In):
    """`field__any_of=[...]`: `field = ANY(%s)` with the list as one array parameter on PostgreSQL (`__in` binds one
    parameter per value, which for thousands of pks costs more than the query); `__in` elsewhere."""

    lookup_name = "any_of"

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = [self.lhs.output_field.get_db_prep_value(value, connection) for value in self.rhs]
        if all(type(value) is int for value in values):
            # As the array's text: psycopg adapts a list one element at a time (0.24 ms for 555 pks), a string at once.
            values = "{" + ",".join(map(str, values)) + "}"
        # Typed as the column: psycopg sends a list of small ints as int2[] or int4[], and PostgreSQL hashes `= ANY`
        # of a constant array (instead of comparing each row with every element) only when both sides are one type.
        return f"{lhs} = ANY(%s::{self.lhs.output_field.db_type(connection)}[])", (*lhs_params, values)


Field.register_lookup(AnyOf)
ForeignKey.register_lookup(AnyOf)  # a relation's lookups are its own, not Field's


class BigramIndex(Operation):
    """CREATE INDEX name ON table USING gin (portal_bigrams(column::text)) [WHERE where], on PostgreSQL only.

    With `where` (SQL), a partial index of the rows a list shows (the directory's), which answers that list's search
    alone: a whole-table index needs a second bitmap of every row the list shows to narrow its candidates, and that
    bitmap grows with the table."""

    reversible = True

    def __init__(self, *, name, table, column, where=""):
        self.name, self.table, self.column, self.where = name, table, column, where

    def deconstruct(self):
        where = {"where": self.where} if self.where else {}
        return self.__class__.__name__, [], {"name": self.name, "table": self.table, "column": self.column, **where}

    def state_forwards(self, app_label, state):
        pass  # not part of any model's state (see the module's docstring)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        quote = schema_editor.quote_name
        schema_editor.execute(FUNCTION)
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {quote(self.name)} ON {quote(self.table)} "
                              f"USING gin (portal_bigrams({quote(self.column)}::text))"
                              + (f" WHERE {self.where}" if self.where else ""))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(self.name)}")

    def describe(self):
        return f"Create bigram index {self.name} on {self.table}.{self.column} (PostgreSQL only)"
