from rest_framework import permissions


class ObjectRulesPermission(permissions.BasePermission):
    """Check the view's `object_perms` (method → permission name) against the object via django-rules.

    Lists are filtered in `get_queryset()` by the app's `visible_to` selector; this
    class guards single objects, as DRF only calls it through `get_object()`.
    """

    def has_object_permission(self, request, view, obj):
        perm = getattr(view, "object_perms", {}).get(request.method)
        return perm is None or request.user.has_perm(perm, obj)
