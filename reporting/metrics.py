"""The metrics of the fact table: what they count, how they add up, which section shows them.

`SUM`: the sum of `value` (a count of 1 per record, or an amount in CNY). `DISTINCT`: the number of
distinct `subject_id` (enterprises with a signed center, people appointed mentor, patents dealt…).
`LEVEL`: `value` is a stage or a TRL, counted per level (funnels and distributions).
"""
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _, pgettext_lazy

SUM, DISTINCT, LEVEL = "sum", "distinct", "level"


@dataclass(frozen=True)
class Metric:
    code: str
    label: object
    how: str = SUM
    money: bool = False
    source: str = ""


CHALLENGE_STATES = [
    ("draft", _("Draft")), ("published", _("Published")), ("refined", _("Topic refined")),
    ("open", _("Open for bids")), ("awarded", _("Awarded")), ("in_progress", _("In progress")),
    ("under_evaluation", _("Under evaluation")), ("solved", _("Solved")), ("closed", _("Closed")),
]

METRICS: dict[str, Metric] = {m.code: m for m in [
    Metric("centers.signed", _("Joint centers: enterprises with a signed agreement"), DISTINCT, source="center"),
    Metric("centers.fortune500", _("of which Fortune Global 500"), DISTINCT, source="center"),
    Metric("centers.china500", _("of which China Top 500"), DISTINCT, source="center"),
    Metric("consortia", _("Innovation consortia established"), source="consortium"),
    Metric("challenge.solved", _("Enterprise technical problems solved"), source="challenge_solved"),
    Metric("mentor.appointed", _("Enterprise mentors appointed"), DISTINCT, source="mentor"),
    Metric("student.graduated", _("Engineering master's and PhD students trained (dual mentors)"), DISTINCT,
           source="graduation"),
    Metric("student.training", _("Dual-mentor students in training"), DISTINCT, source="assignment"),
    Metric("broker", _("Professional technology brokers"), DISTINCT, source="broker"),
    Metric("achievement.funnel", _("Achievements in the pool"), LEVEL, source="achievement"),
    Metric("achievement.screened", _("Achievements screened easy to transfer"), source="achievement_screened"),
    Metric("achievement.trl", _("Achievements by TRL"), LEVEL, source="achievement"),
    Metric("achievement.available", _("Achievements available (supply)"), source="achievement"),
    Metric("fund.seed_angel", _("Seed and angel funds brought in"), source="fund"),
    Metric("org.financial", _("Financial institutions"), source="financial"),
    Metric("patent.transferred", _("Patents transferred or licensed"), DISTINCT, source="deal"),
    Metric("patent.granted", _("Granted patents"), DISTINCT, source="patent"),
    Metric("company.incubated", _("Technology companies incubated"), source="company"),
    Metric("hire.effective", _("Shared high-level talent hired"), DISTINCT, source="hire"),
    Metric("challenge.funnel", _("Challenges posted"), LEVEL, source="challenge"),
    *[Metric(f"challenge.state.{state}", label, source="challenge") for state, label in CHALLENGE_STATES],
    Metric("topic", _("Topics refined"), source="topic"),
    Metric("bid", _("Bids"), source="bid"),
    Metric("project", _("Projects started"), source="project"),
    Metric("project.trl", _("Projects by TRL"), LEVEL, source="project"),
    Metric("project.finished", _("Projects finished"), source="project_finished"),
    Metric("project.uplift", _("TRL uplift of finished projects"), source="project_finished"),
    Metric("milestone.accepted", _("Milestones accepted"), source="milestone"),
    Metric("capital.enterprise_rd", _("Enterprise R&D commitments"), money=True, source="commitment"),
    Metric("capital.subsidy", _("Government subsidies"), money=True, source="commitment"),
    Metric("capital.investment", _("Fund investments"), money=True, source="investment"),
    Metric("deal.income", _("Deal income"), money=True, source="deal"),
]}

# Metrics whose "in force" figure (on the last day of the period) is shown beside them.
IN_FORCE = {"mentor.appointed": _("in force"), "student.training": _("in training")}

CHALLENGE_FUNNEL = [_("Posted"), _("Published"), _("Bid on"), _("Awarded"), _("Solved")]
ACHIEVEMENT_FUNNEL = [_("Achievements"), _("Screened"), _("Pushed"), _("Viewed"), _("Interested"),
                      _("Negotiating"), pgettext_lazy("push status", "Deal")]
TRL_BANDS = [((1, 3), _("TRL 1–3 research")), ((4, 6), _("TRL 4–6 transfer (valley of death)")),
             ((7, 9), _("TRL 7–9 industrialisation"))]

# Trends: monthly and quarterly series (with year-on-year change) of these metrics.
TREND_METRICS = ["challenge.funnel", "challenge.solved", "deal.income", "capital.investment"]
# The province map shows these.
MAP_METRICS = ["challenge.funnel", "challenge.solved", "achievement.funnel", "deal.income"]

# Reference points of the patent conversion rate (seed 001: China 3.9 %, the US 50 %).
REFERENCE_RATES = [(_("China"), 3.9), (_("United States"), 50.0)]
