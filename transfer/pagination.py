"""Pages of the long, wide lists of technology transfer (the pool, the supermarket, pushes, deals).

Their rows join five or six tables (owner, school, node and chain, field, broker…). With a
plain OFFSET the database builds every joined row it skips, so page 1,500 of the pool costs
1,500 first pages. Here the offset is walked over ids only, along the list's index, and the
page's rows are then read by id: a deep page costs about what the first one does, and page
numbers stay (a cursor would lose them).
"""
from django.core.paginator import Paginator
from rest_framework.pagination import PageNumberPagination


class LateRowPaginator(Paginator):
    def __init__(self, object_list, per_page, *, count: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        if count is not None:
            self.count = count  # known already (the pool's summary counted it): spares a COUNT

    def page(self, number):
        page = super().page(number)
        ids = list(page.object_list.values_list("pk", flat=True))
        rows = self.object_list.in_bulk(ids)
        page.object_list = [rows[pk] for pk in ids if pk in rows]  # a row deleted in between is left out
        return page


def paginate_late(request, queryset, per_page: int = 20, *, count: int | None = None):
    """`platform_core.pages.paginate` for wide lists."""
    return LateRowPaginator(queryset, per_page, count=count).get_page(request.GET.get("page"))


class LateRowPagination(PageNumberPagination):
    """The API's page-number pagination (same parameters and answer) for wide lists."""

    django_paginator_class = LateRowPaginator
