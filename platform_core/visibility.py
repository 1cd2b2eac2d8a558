"""Who sees what, by role as well as by organisation (DESIGN §5 "Who sees what"): one declarative table.

Each app registers, in its `permissions.py`, a `VisibilityRule` per protected resource or group of
fields: the audiences that may read it, each stated as data (a role held in an organisation reached
from the record, the person a record names, a role held anywhere). From that one declaration come:

- `visible_q(key, user)`: a `Q` over the rule's model, so selectors filter lists, searches, exports
  and reports with it (one SQL condition, no query per row);
- `can_see(key, user, obj)` / `visible_ids(key, user, ids)`: the same condition asked of one record
  or of a page of records (one query), for serializers and templates that drop confidential fields;
- `docs/permissions.md` (`manage.py permissions_doc`), with the permission matrix in `MATRIX`.

Audiences use id subqueries rather than joins, so rules combine with OR without duplicating rows.
"""
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.relations import PrimaryKeyRelatedField

from .permissions import is_platform_admin, memberships_of


@dataclass(frozen=True)
class Audience(ABC):
    """Base: `describe` reads as a line of the permissions document."""

    describe: str

    @abstractmethod
    def q(self, user, model) -> Q | None:
        """The rows of `model` this audience lets `user` read (None: none)."""


@dataclass(frozen=True)
class OrgRoles(Audience):
    """Holders of `roles` in the organisation at `path` (kinds: only in organisations of those kinds).

    `path` may cross a to-many relation (e.g. the parties of a hire): the condition is then read
    through an id subquery, and `where` narrows the related rows (e.g. only enterprise shares).
    `with_units`: a university's managers also reach records of its schools (parent organisation).
    """

    path: str = ""
    roles: tuple = ()
    kinds: tuple = ()
    where: dict = field(default_factory=dict)
    with_units: bool = False

    def q(self, user, model) -> Q | None:
        ids = {m.organisation_id for m in memberships_of(user)
               if m.role in self.roles and (not self.kinds or m.kind in self.kinds)}
        if not ids:
            return None
        condition = Q(**{f"{self.path}__in": ids})
        if self.with_units:
            condition |= Q(**{f"{self.path}__parent__in": ids})
        if self.where or "__" in self.path:
            return Q(pk__in=model.objects.filter(condition, **self.where).values("pk"))
        return condition


@dataclass(frozen=True)
class Person(Audience):
    """The user named at `path` (a user field, possibly across a to-many relation narrowed by `where`)."""

    path: str = ""
    where: dict = field(default_factory=dict)

    def q(self, user, model) -> Q | None:
        if not user.is_authenticated:
            return None
        if self.where or "__" in self.path:
            return Q(pk__in=model.objects.filter(**{self.path: user.pk}, **self.where).values("pk"))
        return Q(**{self.path: user.pk})


@dataclass(frozen=True)
class RoleAnywhere(Audience):
    """Holders of one of `roles` in any organisation read every row (e.g. program officers)."""

    roles: tuple = ()

    def q(self, user, model) -> Q | None:
        return Q() if any(m.role in self.roles for m in memberships_of(user)) else None


@dataclass(frozen=True)
class VisibilityRule:
    """Who reads `fields` of `model` ("app_label.Model"); `fields=("*",)` protects the whole row."""

    key: str
    model: str
    fields: tuple
    audiences: tuple
    title: str = ""

    @property
    def model_class(self):
        return apps.get_model(self.model)

    @property
    def whole_row(self) -> bool:
        return self.fields == ("*",)


NOBODY = Q(pk__in=[])
_RULES: dict[str, VisibilityRule] = {}


def register_visibility(rule: VisibilityRule) -> VisibilityRule:
    _RULES[rule.key] = rule
    return rule


def rules_registered() -> list[VisibilityRule]:
    return [_RULES[key] for key in sorted(_RULES)]


def rule(key: str) -> VisibilityRule:
    return _RULES[key]


def visible_q(key: str, user) -> Q:
    """The rows of the rule's model whose protected fields `user` may read, as one condition."""
    if not getattr(user, "is_authenticated", False):
        return NOBODY
    if is_platform_admin(user):
        return Q()
    declared = _RULES[key]
    model = declared.model_class
    condition = None
    for audience in declared.audiences:
        term = audience.q(user, model)
        if term is None:
            continue
        if term == Q():
            return Q()
        condition = term if condition is None else condition | term
    return NOBODY if condition is None else condition


def visible(key: str, user, queryset):
    return queryset.filter(visible_q(key, user))


def visible_ids(key: str, user, ids) -> set[int]:
    """Which of `ids` the user may read under the rule (one query for a whole page)."""
    ids = [pk for pk in ids if pk is not None]
    if not ids:
        return set()
    model = _RULES[key].model_class
    return set(model.objects.filter(pk__in=ids).filter(visible_q(key, user)).values_list("pk", flat=True))


def can_see(key: str, user, obj) -> bool:
    return obj is not None and obj.pk in visible_ids(key, user, [obj.pk])


def predicate(key: str):
    """A django-rules predicate (user, obj) for `rules.add_perm`, answering from the same rule."""
    import rules

    @rules.predicate(name=f"sees_{key.replace('.', '_')}")
    def sees(user, obj):
        return can_see(key, user, obj)

    return sees


# Writes that reach only what the writer sees (issue 12 §4)

# Models every signed-in user reads in full (registries and taxonomies): a related field may offer
# all their rows. Every other related field offers the rows its writer may see, through
# `VisibleRelatedField`; `tests/trust_tests/test_related_fields.py` walks every API serializer.
DIRECTORY_MODELS = {
    "platform.Organisation": "the organisation directory (platform_core.selectors.organisation_list)",
    "platform.User": "people are named by username across organisations; services check their roles",
    "platform.Region": "taxonomy", "platform.TechField": "taxonomy", "platform.IndustryChain": "taxonomy",
    "platform.IndustryNode": "taxonomy",
}
# Fields that say who owns or wrote a record: read-only, or restricted to what the writer may act for.
OWNERSHIP_FIELDS = {"owner", "created_by", "recorded_by", "posted_by", "uploaded_by", "appointed_by",
                    "paid_by", "decided_by", "pushed_by", "manager", "source", "poster"}


def _request_user(context):
    request = (context or {}).get("request")
    return getattr(request, "user", None) or AnonymousUser()


@extend_schema_field(OpenApiTypes.INT)  # every primary key here is an integer; the schema needs no queryset
class VisibleRelatedField(PrimaryKeyRelatedField):
    """A primary-key field offering `visible_to(request.user)`: an id outside it reads as "does not exist" (400).

    `visible_to` is a selector (`*_visible_to(user)` or what the writer may act for). Works with `many=True`.
    """

    def __init__(self, visible_to, **kwargs):
        self.visible_to = visible_to
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.visible_to(_request_user(self.context))
