from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Fund, FundingCommitment, Investment, Tranche


@admin.register(Fund)
class FundAdmin(SimpleHistoryAdmin):
    list_display = ["name_zh", "kind", "manager", "committed_size", "currency", "vintage_year", "status"]
    list_filter = ["kind", "status", "currency"]
    search_fields = ["name_zh", "name_en", "manager__name_zh"]


@admin.register(Investment)
class InvestmentAdmin(SimpleHistoryAdmin):
    list_display = ["fund", "company", "project", "round", "amount", "equity_percent", "invested_on"]
    list_filter = ["round"]
    search_fields = ["fund__name_zh", "company__name", "project__title"]


class TrancheInline(admin.TabularInline):
    model = Tranche
    extra = 0
    raw_id_fields = ["milestone"]


@admin.register(FundingCommitment)
class FundingCommitmentAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "source", "center", "project", "amount", "committed_on"]
    list_filter = ["kind"]
    search_fields = ["title", "source__name_zh", "reference"]
    inlines = [TrancheInline]
