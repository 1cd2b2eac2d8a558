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
    list_select_related = ["enterprise", "university"]
    list_filter = ["status"]
    search_fields = ["name_zh", "name_en"]
    autocomplete_fields = ["enterprise", "university"]
    inlines = [CenterMemberInline]


class ConsortiumMemberInline(admin.TabularInline):
    model = ConsortiumMember
    extra = 0
    autocomplete_fields = ["organisation"]


class CouncilMemberInline(admin.TabularInline):
    model = CouncilMember
    extra = 0
    autocomplete_fields = ["user", "organisation"]


@admin.register(Consortium)
class ConsortiumAdmin(SimpleHistoryAdmin):
    list_display = ["name_zh", "kind", "lead", "status"]
    list_select_related = ["lead"]
    list_filter = ["kind", "status"]
    search_fields = ["name_zh", "name_en"]
    autocomplete_fields = ["lead"]
    inlines = [ConsortiumMemberInline, CouncilMemberInline]
