from rest_framework.filters import OrderingFilter


class StableOrderingFilter(OrderingFilter):
    """`?ordering=` with the primary key as the last key, so equal values never swap between pages."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if not ordering or any(field.lstrip("-") in ("pk", "id") for field in ordering):
            return ordering
        # Ties follow the direction of the first key, which keeps composite indexes usable.
        return [*ordering, "-pk" if ordering[0].startswith("-") else "pk"]
