from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Challenges and projects")

    def ready(self):
        from platform_core.navigation import register_home_panel, register_nav
        from platform_core.permissions import is_program_officer
        from platform_core.signoff import register_decision

        from . import (
            autocomplete,  # noqa: F401  (registers the searchable-select sources)
            panels,
            permissions,  # noqa: F401  (registers the rules)
            services,
        )

        register_nav(_("Challenges"), "projects:challenge-list", icon="lightbulb", order=10, group="center",
                     visible=permissions.uses_challenges)
        register_nav(_("My workbench"), "projects:workbench", icon="kanban", order=11, group="center",
                     visible=permissions.uses_workbench)
        register_home_panel("projects/panels/rd_manager.html", panels.rd_manager_panel, order=210,
                            visible=panels.is_rd_manager)
        register_home_panel("projects/panels/researcher.html", panels.researcher_panel, order=220,
                            visible=panels.is_researcher)
        register_home_panel("projects/panels/center_figures.html", panels.center_figures_panel, order=300,
                            visible=is_program_officer)

        register_decision("projects.topic_approval", label=_("Topic approval"),
                          on_approved=services.topic_approved, on_rejected=services.topic_sent_back)
        register_decision("projects.bid_award", label=_("Team award"), on_approved=services.bid_awarded,
                          on_rejected=services.award_sent_back, refuses=services.award_signing_refusal)
        register_decision("projects.milestone_acceptance", label=_("Milestone acceptance"),
                          on_approved=services.milestone_accepted, on_rejected=services.milestone_sent_back)
        register_decision("projects.budget_change", label=_("Budget change"), on_approved=services.budget_changed)
        register_decision("projects.final_evaluation", label=_("Final evaluation"),
                          on_approved=services.evaluation_approved, on_rejected=services.evaluation_sent_back)
        register_decision("projects.stage_gate", label=_("Stage gate"), on_approved=services.stage_gate_passed)
