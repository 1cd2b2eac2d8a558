from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Achievement,
    Deal,
    IncubatedCompany,
    Incubator,
    Inquiry,
    Patent,
    Push,
    RevenueShare,
    Roadshow,
    RoadshowRegistration,
)


@admin.register(Achievement)
class AchievementAdmin(SimpleHistoryAdmin):
    list_display = ["title", "owner", "school", "status", "trl", "broker", "created_at"]
    list_filter = ["status", "source", "trl"]
    search_fields = ["title", "external_ref", "abstract"]
    raw_id_fields = ["owner", "school", "co_owners", "inventors", "broker", "screened_by", "created_by"]


@admin.register(Patent)
class PatentAdmin(SimpleHistoryAdmin):
    list_display = ["application_number", "title", "patent_type", "legal_status", "owner", "next_fee_due"]
    list_filter = ["patent_type", "legal_status"]
    search_fields = ["application_number", "publication_number", "title"]
    raw_id_fields = ["owner", "achievements"]


@admin.register(Push)
class PushAdmin(SimpleHistoryAdmin):
    list_display = ["achievement", "enterprise", "status", "source", "created_at"]
    list_filter = ["status", "source"]
    raw_id_fields = ["achievement", "enterprise", "pushed_by"]


class RevenueShareInline(admin.TabularInline):
    model = RevenueShare
    extra = 0
    raw_id_fields = ["beneficiary_user", "beneficiary_organisation"]


@admin.register(Deal)
class DealAdmin(SimpleHistoryAdmin):
    list_display = ["achievement", "kind", "counterparty", "price", "signed_on"]
    list_filter = ["kind"]
    raw_id_fields = ["achievement", "push", "counterparty", "created_by"]
    inlines = [RevenueShareInline]


@admin.register(Incubator)
class IncubatorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "host", "partner_university", "established_on"]
    raw_id_fields = ["host", "partner_university"]


@admin.register(IncubatedCompany)
class IncubatedCompanyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "incubator", "stage", "admitted_on", "graduated_on"]
    list_filter = ["stage", "incubator"]
    raw_id_fields = ["organisation", "founders", "achievements", "spin_off_deal"]


@admin.register(Inquiry)
class InquiryAdmin(admin.ModelAdmin):
    list_display = ["push", "asked_by", "updated_at"]
    raw_id_fields = ["push", "asked_by"]


class RoadshowRegistrationInline(admin.TabularInline):
    model = RoadshowRegistration
    raw_id_fields = ["user", "enterprise"]
    extra = 0


@admin.register(Roadshow)
class RoadshowAdmin(admin.ModelAdmin):
    list_display = ["title", "starts_at", "organiser", "capacity", "registration_deadline"]
    search_fields = ["title"]
    raw_id_fields = ["organiser", "created_by"]
    filter_horizontal = ["achievements"]
    inlines = [RoadshowRegistrationInline]
