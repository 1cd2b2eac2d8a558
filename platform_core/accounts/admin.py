"""Django admin for the way in (registered from platform_core/admin.py)."""
from django.contrib import admin

from ..models import ExternalIdentity, Invitation, MembershipRequest, OrganisationApplication


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "sent_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["role"]
    search_fields = ["email", "organisation__name_zh"]
    raw_id_fields = ["organisation", "invited_by", "accepted_by"]
    readonly_fields = ["token_version"]


@admin.register(MembershipRequest)
class MembershipRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "source", "status", "created_at", "decided_at"]
    list_filter = ["status", "source", "role"]
    search_fields = ["user__username", "user__email", "organisation__name_zh"]
    raw_id_fields = ["user", "organisation", "decided_by"]


@admin.register(OrganisationApplication)
class OrganisationApplicationAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "credit_code", "kind", "applicant", "status", "created_at"]
    list_filter = ["status", "kind"]
    search_fields = ["name_zh", "name_en", "credit_code", "applicant__username"]
    raw_id_fields = ["applicant", "organisation", "decided_by", "region"]


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(admin.ModelAdmin):
    list_display = ["user", "provider", "issuer", "subject", "last_login_at"]
    list_filter = ["provider"]
    search_fields = ["user__username", "subject"]
    raw_id_fields = ["user"]
