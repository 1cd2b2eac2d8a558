from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AuditEvent, ImportRun, IndustryChain, IndustryNode, Membership, Notification, NotificationPreference,
    Organisation, Region, Signature, SignoffParty, SignoffRequest, TechField, User,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + ((_("Profile"), {"fields": ("display_name", "phone")}),)
    list_display = ["username", "display_name", "email", "is_staff", "is_active"]
    search_fields = ["username", "display_name", "email"]


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name_zh", "kind", "credit_code", "region", "is_fortune_global_500", "is_china_top_500"]
    list_filter = ["kind", "is_fortune_global_500", "is_china_top_500", "region"]
    search_fields = ["name_zh", "name_en", "credit_code"]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["industry_nodes", "fields"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "organisation", "role", "title", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "organisation__name_zh"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "parent"]
    search_fields = ["code", "name_zh", "name_en"]


class IndustryNodeInline(admin.TabularInline):
    model = IndustryNode
    extra = 0


@admin.register(IndustryChain)
class IndustryChainAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en"]
    search_fields = ["code", "name_zh", "name_en"]
    inlines = [IndustryNodeInline]


@admin.register(IndustryNode)
class IndustryNodeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "chain", "segment"]
    list_filter = ["chain", "segment"]
    search_fields = ["code", "name_zh", "name_en"]


@admin.register(TechField)
class TechFieldAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "parent"]
    search_fields = ["code", "name_zh", "name_en"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that are evidence (audit, signatures) are never edited, even by administrators."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor", "action", "target_repr"]
    list_filter = ["action"]
    search_fields = ["target_repr", "action"]


class SignoffPartyInline(admin.TabularInline):
    model = SignoffParty
    extra = 0
    can_delete = False
    readonly_fields = ["organisation", "label"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SignoffRequest)
class SignoffRequestAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "status", "created_at", "resolved_at"]
    list_filter = ["kind", "status"]
    inlines = [SignoffPartyInline]

    def has_change_permission(self, request, obj=None):
        return request.method == "GET" and request.user.is_staff


@admin.register(Signature)
class SignatureAdmin(ReadOnlyAdmin):
    list_display = ["request", "party", "signer", "verdict", "signed_at"]
    list_filter = ["verdict"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "event", "title", "created_at", "read_at", "emailed_at"]
    list_filter = ["event"]
    search_fields = ["title", "recipient__username"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "event", "delivery"]


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "file_name", "actor", "total_rows", "created_rows", "rejected_rows"]
    list_filter = ["kind"]
from .accounts import admin as accounts_admin  # noqa: E402,F401  (invitations, requests, SSO identities)
