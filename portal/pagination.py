"""A paginator whose deep pages cost what the first page costs, or nearly (issue 19).

`Paginator` slices the whole query: for page 2,600 the database builds 52,000 full rows (joins, annotations) only to
skip them. `DeferredJoinPaginator` reads the page's ids first, from the index that serves the list's order (an
index-only scan: ids are in every index), then loads those rows alone, in that order, by their ids only. Used by the
directory and the admin's long lists.

A search or a filter that matches a large share of 100,000 rows makes the count read all of them. With `count_limit`,
the paginator counts up to that many rows and no further (`SELECT COUNT(*) FROM (... LIMIT n + 1)`): `count` is then
at most the limit, `count_capped` says whether there were more, and the pages end at the limit. A search box's
visitor narrows the search rather than pages past the twenty-fifth page. A search that counted its matches as it found
them (portal.db.search.matches) gives that count as `counted`, and with `capped_rows` lists only that many when there
were more than the limit: its pages walk the order's index and check each row, so a deep one costs what it skips.

With `estimated_count`, the paginator takes a count it is given (the directory's, stored by the worker: portal.derived)
instead of counting, and knows it may be a moment behind: the last page then holds what rows there are up to a full
page, so a member added since the count is not cut off it.

Even from an index, OFFSET n reads n entries: page 2,600 of the directory reads 52,000 ids to skip them. With
`marks` (from `marks(queryset)`, stored by the worker beside the stored count), the paginator knows the order's
values at every MARK_EVERY-th row, starts at the nearest mark before the page by those values (an index range, not
a count of entries), and skips fewer than MARK_EVERY rows from there: any page costs about what page 50 does. The
marks are used only for the order they were taken in. Like the stored count, they may be a moment behind a change:
a page then starts up to as many rows early or late as were added or removed before its mark since, as any OFFSET
page does when rows change between two clicks.
"""

from functools import reduce
from operator import or_

from django.core.paginator import Paginator
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber
from django.db.models.sql.where import WhereNode
from django.utils.functional import cached_property

MARK_EVERY = 1000  # rows between two marks: a deep page skips fewer than this many from its mark


def _order(queryset):
    """The queryset's order as field names, without what cannot change it: a field named again, or anything after
    the primary key (the admin's changelist adds both: the model admin's order, then its queryset's, then "-pk")."""
    order, seen = [], set()
    for item in map(str, queryset.query.order_by):
        name = item.lstrip("-")
        if name == queryset.model._meta.pk.name:
            name = "pk"
        if name not in seen:
            seen.add(name)
            order.append(item.replace(item.lstrip("-"), name))
        if name == "pk":
            break
    return order


def marks(queryset, every=None):
    """{"order": [...], "every": n, "values": [[...], ...]}: `queryset`'s order, and its values at the rows in
    positions n, 2n, 3n... (JSON: dates and times as ISO text, at full precision), for `DeferredJoinPaginator`."""
    every = every or MARK_EVERY
    order = _order(queryset)
    names = [item.lstrip("-") for item in order]
    numbered = queryset.order_by().annotate(_position=Window(RowNumber(), order_by=[
        F(name).desc() if item.startswith("-") else F(name).asc() for name, item in zip(names, order, strict=True)
    ]))
    # row_number() counts from 1: the row in position k × every has number k × every + 1.
    found = numbered.annotate(_rest=F("_position") % every).filter(_rest=1 % every, _position__gt=1)
    values = found.order_by("_position").values_list(*names)
    plain = [[value.isoformat() if hasattr(value, "isoformat") else value for value in row] for row in values]
    return {"order": order, "every": every, "values": plain}


def _at_or_after(model, order, values):
    """The rows at or after the row whose order values are `values`, in `order` (a Q: each field equal up to one
    that is past the mark's, or all equal), with the first field's range as well, for its index to start there."""
    fields = []
    for item, raw in zip(order, values, strict=True):
        name = item.lstrip("-")
        field = model._meta.pk if name == "pk" else model._meta.get_field(name)
        fields.append((name, "lt" if item.startswith("-") else "gt", field.to_python(raw)))
    after = [Q(**{f"{name}__{past}": value}, **{earlier: v for earlier, _, v in fields[:i]})
             for i, (name, past, value) in enumerate(fields)]
    first, past, value = fields[0]
    every_equal = Q(**{name: v for name, _, v in fields})
    return Q(**{f"{first}__{past}e": value}) & reduce(or_, after, every_equal)


class DeferredJoinPaginator(Paginator):
    def __init__(self, *args, count_limit=None, counted=None, capped_rows=None, estimated_count=None, marks=None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        order = _order(self.object_list)
        used = marks and marks["order"] == order
        self.marks, self.mark_every = (marks["values"], marks["every"]) if used else ([], 1)
        self.marks_order = order
        self.count_limit = count_limit
        self.count_capped = False
        self.count_is_estimate = estimated_count is not None
        if self.count_is_estimate:
            self.count = estimated_count
        elif counted is not None:  # counted already, up to count_limit + 1 (portal.db.search.matches)
            self.count_capped = counted > count_limit
            self.count = min(counted, count_limit)
            if self.count_capped and capped_rows is not None:
                self.count = capped_rows  # what a search with more matches than the limit lists

    @cached_property
    def count(self):
        if self.count_limit is None:
            return super().count
        found = self.object_list.order_by()[: self.count_limit + 1].count()
        self.count_capped = found > self.count_limit
        return min(found, self.count_limit)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = top + self.orphans if self.count_is_estimate else self.count
        rows = self.object_list
        passed = min(bottom // self.mark_every, len(self.marks))  # marks at or before the page's first row
        if passed and None not in self.marks[passed - 1]:
            rows = rows.filter(_at_or_after(rows.model, self.marks_order, self.marks[passed - 1]))
            bottom, top = bottom - passed * self.mark_every, top - passed * self.mark_every
        ids = list(rows.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in _rows(self.object_list, ids)} if ids else {}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)


def _rows(object_list, ids):
    """The rows of `ids` (found by `object_list`), with its columns, annotations and joins but not its filters: they
    were checked when the ids were read, and a search's would be worked out again for nothing. A join a filter added
    stays, so a row may come once per related row: the caller keeps one per id. (So an aggregate annotated over a
    filter's join would count every related row here: no list paged by this paginator has one.)"""
    rows = object_list.order_by()
    rows.query.where = WhereNode()
    return rows.filter(pk__in=ids)
