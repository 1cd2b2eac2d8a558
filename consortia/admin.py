from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CenterMember, Consortium, ConsortiumMember, CouncilMember, JointCenter


class CenterMemberInline(admin.TabularInline):
    model = CenterMember
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(JointCenter)
class JointCenterAdmin(SimpleHistoryAdmin):
    list_display = ["name_zh", "enterprise", "university", "status", "funding_commitment"]
    list_filter = ["status"]
    search_fields = ["name_zh", "name_en"]
    inlines = [CenterMemberInline]


class ConsortiumMemberInline(admin.TabularInline):
    model = ConsortiumMember
    extra = 0


class CouncilMemberInline(admin.TabularInline):
    model = CouncilMember
    extra = 0


@admin.register(Consortium)
class ConsortiumAdmin(SimpleHistoryAdmin):
    list_display = ["name_zh", "kind", "lead", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["name_zh", "name_en"]
    inlines = [ConsortiumMemberInline, CouncilMemberInline]
