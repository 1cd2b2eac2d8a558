from django.contrib import admin

from .models import IndexState, Match, MatchFeedback


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    list_display = ["id", "direction", "source_type", "source_id", "candidate_type", "candidate_id", "score",
                    "status", "computed_at"]
    list_filter = ["direction", "status"]
    readonly_fields = ["computed_at"]


@admin.register(MatchFeedback)
class MatchFeedbackAdmin(admin.ModelAdmin):
    list_display = ["match", "user", "verdict", "created_at"]


@admin.register(IndexState)
class IndexStateAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "size", "dense_coverage", "built_at"]
