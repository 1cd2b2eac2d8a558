from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import DualMentorAssignment, EnterpriseMentor, HireShare, SharedHire, TalentEvidence, TalentProfile


class TalentEvidenceInline(admin.TabularInline):
    model = TalentEvidence
    extra = 0


@admin.register(TalentProfile)
class TalentProfileAdmin(SimpleHistoryAdmin):
    list_display = ["name_zh", "organisation", "title", "is_overseas", "availability"]
    list_filter = ["is_overseas", "availability"]
    search_fields = ["name_zh", "name_en", "title"]
    inlines = [TalentEvidenceInline]


class HireShareInline(admin.TabularInline):
    model = HireShare
    extra = 0


@admin.register(SharedHire)
class SharedHireAdmin(SimpleHistoryAdmin):
    """Read-mostly: shares and status change through the services (sign-off), not here."""

    list_display = ["talent", "university", "position", "start_date", "end_date", "status"]
    list_filter = ["status"]
    search_fields = ["talent__name_zh", "position"]
    readonly_fields = ["status", "effective_at"]
    inlines = [HireShareInline]


@admin.register(EnterpriseMentor)
class EnterpriseMentorAdmin(SimpleHistoryAdmin):
    list_display = ["user", "organisation", "university", "term_start", "term_end"]
    search_fields = ["user__username", "user__display_name"]


@admin.register(DualMentorAssignment)
class DualMentorAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["student", "degree", "university_mentor", "enterprise_mentor", "placement_label", "status"]
    list_filter = ["status", "degree", "placement_kind"]
