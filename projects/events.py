"""How the projects app's records read to people: audit sentences, notifications, objects they link to.

Imported by the core at start-up (platform_core.apps: autodiscover of `<app>.events`).
"""
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from platform_core.audit import register_action
from platform_core.notifications import register_event
from platform_core.sentences import Choice, Fields, Ref, register_object
from platform_core.signoff import register_decision_view

from . import selectors
from .models import (
    Bid, Call, Challenge, ConflictDeclaration, Document, Milestone, MilestoneAssessment, Project, Topic, Undertaking,
)


def _challenge_url(pk_of):
    return lambda obj: reverse("projects:challenge-detail", args=[pk_of(obj)])


register_object(Challenge, url="projects:challenge-detail", visible=selectors.challenges_visible_to)
register_object(Bid, url="projects:bid-detail", visible=selectors.bids_visible_to, label=lambda b: b.team_name)
register_object(Project, url="projects:project-detail", visible=selectors.projects_visible_to)
register_object(Milestone, url=lambda m: reverse("projects:project-detail", args=[m.project_id]),
                visible=lambda user: Milestone.objects.filter(project__in=selectors.projects_visible_to(user)))
register_object(Call, url=_challenge_url(lambda c: c.challenge_id), select_related=("challenge",),
                visible=selectors.calls_visible_to)
register_object(Topic, url=_challenge_url(lambda t: t.challenge_id),
                visible=lambda user: Topic.objects.filter(challenge__in=selectors.challenges_visible_to(user)))

S = Challenge.Status
STATUS = Choice(S)
# _move() audits every state change as challenge.<new status>.
CHALLENGE_MOVES = {
    S.DRAFT: _("%(actor)s put %(target)s back to draft"),
    S.PUBLISHED: _("%(actor)s published %(target)s"),
    S.REFINED: _("%(actor)s: the topic of %(target)s was approved by both sides"),
    S.OPEN: _("%(actor)s opened the call for bids on %(target)s, closing on %(closes_on)s"),
    S.AWARDED: _("%(actor)s: %(target)s was awarded to %(bid)s; project %(project)s"),
    S.IN_PROGRESS: _("%(actor)s: work on %(target)s is in progress (%(project)s)"),
    S.UNDER_EVALUATION: _("%(actor)s sent %(target)s to the joint final evaluation"),
    S.SOLVED: _("%(actor)s: %(target)s was solved, the final evaluation approved by both sides"),
    S.CLOSED: _("%(actor)s closed %(target)s: %(reason)s"),
}
for status, text in CHALLENGE_MOVES.items():
    register_action(f"challenge.{status}", text, previous=STATUS, bid=Ref(Bid), project=Ref(Project))

register_action("challenge.create", _("%(actor)s created %(target)s"))
register_action("challenge.update", _("%(actor)s edited %(target)s: %(fields)s"), fields=Fields(Challenge))
register_action("challenge.attach", _("%(actor)s attached %(file)s to %(target)s (confidential: %(confidential)s)"))
register_action("undertaking.request", _("%(user)s signed a confidentiality undertaking for %(target)s"))
register_action(f"undertaking.{Undertaking.Status.ACCEPTED}",
                _("%(actor)s accepted the confidentiality undertaking of %(user)s for %(target)s"))
register_action(f"undertaking.{Undertaking.Status.DECLINED}",
                _("%(actor)s declined the confidentiality undertaking of %(user)s for %(target)s"))
register_action("topic.save", _("%(actor)s saved the refined topic of %(target)s"))
register_action("call.close", _("%(actor)s closed the call for bids on %(target)s"))
register_action("bid.submit", _("%(actor)s submitted the bid of %(team)s on %(target)s"), bid=Ref(Bid))
register_action("bid.withdraw", _("%(actor)s withdrew the bid of %(bid)s"), bid=Ref(Bid))
register_action("bid.score", _("%(actor)s scored the bid of %(bid)s: %(total)s"), bid=Ref(Bid))
register_action("bid.score_voided", _("%(actor)s: the score %(total)s of %(panelist)s on %(bid)s was voided "
                                      "(conflict of interest)"), bid=Ref(Bid))
register_action("conflict.declare", _("%(actor)s declared a conflict of interest on %(bid)s (%(stake)s) and is "
                                      "recused from reviewing %(target)s"),
                bid=Ref(Bid), stake=Choice(ConflictDeclaration.Stake))
register_action("call.stage", _("%(actor)s moved the review of %(target)s from %(previous)s to %(stage)s"),
                stage=Choice(Call.Stage), previous=Choice(Call.Stage))
register_action("bid.formal_check", _("%(actor)s recorded the formal check of %(bid)s: %(result)s"),
                bid=Ref(Bid), result=Choice(Bid.FormalCheck))
register_action("bid.defence_slot", _("%(actor)s scheduled the defence of %(bid)s at %(at)s, %(place)s"),
                bid=Ref(Bid))
register_action("call.expert_invite", _("%(actor)s invited the outside expert %(expert)s to review %(target)s"))
register_action("project.stage_gate", _("%(actor)s: the stage gate of %(target)s kept %(project)s"),
                project=Ref(Project))
register_action("question.ask", _("%(actor)s asked a question on %(target)s"))
register_action("question.answer", _("%(actor)s answered a question on %(target)s (to all bidders: %(public)s)"))
register_action("bid.propose_award", _("%(actor)s proposed to award %(target)s to %(bid)s"), bid=Ref(Bid))
register_action("milestone.add", _("%(actor)s added the milestone %(milestone)s"), milestone=Ref(Milestone))
register_action("milestone.submit", _("%(actor)s submitted %(milestone)s for acceptance"), milestone=Ref(Milestone))
register_action("document.add", _("%(actor)s added the file %(file)s (%(kind)s) to %(target)s"),
                kind=Choice(Document.Kind))
register_action("milestone.assess", _("%(actor)s assessed %(milestone)s for %(side)s: %(score)s, %(verdict)s"),
                milestone=Ref(Milestone), verdict=Choice(MilestoneAssessment.Verdict))
register_action("milestone.accepted", _("%(actor)s: both sides accepted %(milestone)s; tranche %(tranche)s CNY"),
                milestone=Ref(Milestone))
register_action("milestone.overdue", _("%(actor)s: %(milestone)s is overdue"), milestone=Ref(Milestone))
register_action("project.trl", _("%(actor)s recorded TRL %(trl)s for %(target)s"))
register_action("project.budget", _("%(actor)s: the budget of %(target)s changed from %(old)s to %(new)s CNY"))
register_action("evaluation.submit", _("%(actor)s evaluated %(target)s for %(side)s: technical %(technical_score)s, "
                                       "application %(application_score)s, management %(management_score)s"))


def _challenge_link(params):
    return reverse("projects:challenge-detail", args=[params["challenge"]["pk"]])


CHALLENGE = Ref(Challenge)
register_event("projects.challenge_published", _("Challenge published to refine"),
               title=_("New challenge to refine: %(challenge)s"), challenge=CHALLENGE)
register_event("projects.undertaking_requested", _("Confidentiality undertaking to review"),
               title=_("Confidentiality undertaking to review: %(challenge)s"),
               grouped=_("%(count)s confidentiality undertakings to review: %(challenge)s"),
               group_by=("challenge",), group_url=_challenge_link, challenge=CHALLENGE)
register_event("projects.undertaking_decided", _("Confidentiality undertaking decided"),
               title=_("Your confidentiality undertaking was %(status)s: %(challenge)s"),
               challenge=CHALLENGE, status=Choice(Undertaking.Status))
register_event("projects.call_opened", _("Scoring panel seat"),
               title=_("You sit on the scoring panel of: %(challenge)s"), challenge=CHALLENGE)
register_event("projects.conflict_declared", _("Conflict of interest declared"),
               title=_("%(panelist)s declared a conflict of interest and is recused: %(challenge)s"),
               challenge=CHALLENGE)
register_event("projects.question_asked", _("Question on a call"),
               title=_("A bidder asked a question: %(challenge)s"),
               grouped=_("%(count)s questions from bidders: %(challenge)s"),
               group_by=("challenge",), group_url=_challenge_link, challenge=CHALLENGE)
register_event("projects.question_answered", _("Your question answered"),
               title=_("Your question was answered: %(challenge)s"), challenge=CHALLENGE)
register_event("projects.clarification_published", _("Clarification to all bidders"),
               title=_("A clarification was published to all bidders: %(challenge)s"),
               grouped=_("%(count)s clarifications published: %(challenge)s"),
               group_by=("challenge",), group_url=_challenge_link, challenge=CHALLENGE)
register_event("projects.formal_check", _("Formal check of your bid"),
               title=_("Formal check of your bid on %(challenge)s: %(result)s"), challenge=CHALLENGE,
               result=Choice(Bid.FormalCheck))
register_event("projects.shortlisted", _("Shortlisted"),
               title=_("Your team is shortlisted: %(challenge)s"),
               body=_("The defence slot will follow."), challenge=CHALLENGE)
register_event("projects.defence_scheduled", _("Defence slot"),
               title=_("Your defence on %(challenge)s: %(at)s, %(place)s"), challenge=CHALLENGE)
register_event("projects.expert_invited", _("Invited as an outside expert"),
               title=_("You are invited to review bids as an outside expert: %(challenge)s"), challenge=CHALLENGE)
register_event("projects.stage_gate_closed", _("Closed at the stage gate"),
               title=_("Your project was closed at the stage gate: %(project)s"),
               body=_("Both sides kept another team's project (赛马制)."), project=Ref(Project))
register_event("projects.new_bid", _("New bid"),
               title=_("New bid on %(challenge)s from %(team)s"),
               grouped=_("%(count)s new bids on %(challenge)s (latest from %(team)s)"),
               group_by=("challenge",), group_url=_challenge_link, challenge=CHALLENGE)
register_event("projects.bid_awarded", _("Bid awarded"),
               title=_("Your bid was awarded: %(challenge)s"),
               body=_("Plan the milestones of the project and start it."), challenge=CHALLENGE)
register_event("projects.bid_not_selected", _("Bid not selected"),
               title=_("Your bid was not selected: %(challenge)s"),
               body=_("Thank you for bidding. The call was awarded to another team."), challenge=CHALLENGE)


def _milestone_title(params):
    return (_("Milestone overdue: %(milestone)s (due %(due)s)") if params.get("overdue")
            else _("Milestone due soon: %(milestone)s (due %(due)s)"))


register_event("projects.milestone_due", _("Milestone due or overdue"),
               title=_milestone_title, body=_("Project: %(project)s"), group_by=("milestone",),
               milestone=Ref(Milestone), project=Ref(Project))
register_event("projects.evaluation_requested", _("Final evaluation requested"),
               title=_("Please evaluate: %(project)s"), project=Ref(Project))


# ---------------------------------------------------------------- what the sign-off page shows of each decision


def _topic_context(request):
    challenge = request.target
    return {"challenge": challenge, "topic": Topic.objects.filter(challenge=challenge).first()}


def _award_context(request):
    from django.db.models import Avg

    call = Call.objects.select_related("challenge").get(pk=request.target_id)
    winners = list(Bid.objects.select_related("lead", "organisation").prefetch_related("members__user")
                   .filter(pk__in=request.payload.get("bids") or [request.payload.get("bid")]).order_by("pk"))
    bid = winners[0] if winners else None
    scores = bid.scores.select_related("panelist__user", "panelist__organisation") if bid else []
    bids = call.bids.exclude(status=Bid.Status.WITHDRAWN).annotate(average=Avg("scores__total")).order_by(
        "-average", "pk")
    return {"call": call, "bid": bid, "winners": winners, "scores": scores, "bids": bids}


def _milestone_context(request):
    return {"milestone": Milestone.objects.select_related("project").get(pk=request.target_id)}


def _budget_context(request):
    return {"project": request.target, "new_budget": request.payload.get("budget")}


def _evaluation_context(request):
    project = request.target
    return {"project": project, "evaluations": project.evaluations.select_related("organisation", "evaluator")}


register_decision_view("projects.topic_approval", template="projects/signoff/topic.html", context=_topic_context)
register_decision_view("projects.bid_award", template="projects/signoff/award.html", context=_award_context)
register_decision_view("projects.milestone_acceptance", template="projects/signoff/milestone.html",
                       context=_milestone_context)
register_decision_view("projects.budget_change", template="projects/signoff/budget.html", context=_budget_context)
register_decision_view("projects.stage_gate", template="projects/signoff/stage_gate.html",
                       context=lambda request: {"project": request.target,
                                                "closes": Project.objects.filter(pk__in=request.payload["closes"])})
register_decision_view("projects.final_evaluation", template="projects/signoff/evaluation.html",
                       context=_evaluation_context)
