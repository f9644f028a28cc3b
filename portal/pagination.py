"""A paginator whose deep pages cost what the first page costs, or nearly (issue 19).

`Paginator` slices the whole query: for page 2,600 the database builds 52,000 full rows (joins, annotations) only to
skip them. `DeferredJoinPaginator` reads the page's ids first, from the index that serves the list's order (an
index-only scan: ids are in every index), then loads those rows alone, in that order, by their ids only. Used by the
directory and the admin's long lists.

A search or a filter that matches a large share of 100,000 rows makes the count read all of them. With `count_limit`,
the paginator counts up to that many rows and no further (`SELECT COUNT(*) FROM (... LIMIT n + 1)`): `count` is then
at most the limit, `count_capped` says whether there were more, and the pages end at the limit. A search box's
visitor narrows the search rather than pages past the fiftieth page.

With `estimated_count`, the paginator takes a count it is given (the directory's, stored by the worker: portal.derived)
instead of counting, and knows it may be a moment behind: the last page then holds what rows there are up to a full
page, so a member added since the count is not cut off it.
"""

from django.core.paginator import Paginator
from django.db.models.sql.where import WhereNode
from django.utils.functional import cached_property


class DeferredJoinPaginator(Paginator):
    def __init__(self, *args, count_limit=None, estimated_count=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_limit = count_limit
        self.count_capped = False
        self.count_is_estimate = estimated_count is not None
        if self.count_is_estimate:
            self.count = estimated_count

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
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
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
