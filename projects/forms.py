from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from consortia.selectors import centers_with_sides
from platform_core.autocomplete import autocomplete_field
from platform_core.widgets import ISO_DATETIME_LOCAL, DateInput, DateTimeInput
from platform_core.models import IndustryNode, Organisation

from .models import Challenge, Document, MilestoneAssessment, Mode

NODES = IndustryNode.objects.select_related("chain")


class ChallengeForm(forms.ModelForm):
    """Shape of the input only; the rules are checked by projects.services."""

    class Meta:
        model = Challenge
        fields = ["title_zh", "title_en", "summary_zh", "summary_en", "confidential_detail", "industry_node",
                  "field", "current_trl", "target_trl", "budget_min", "budget_max", "subsidy", "terms",
                  "deadline", "center", "partner"]
        widgets = {"summary_zh": forms.Textarea(attrs={"rows": 4}), "summary_en": forms.Textarea(attrs={"rows": 3}),
                   "confidential_detail": forms.Textarea(attrs={"rows": 4}),
                   "terms": forms.Textarea(attrs={"rows": 3}), "deadline": DateInput}

    def __init__(self, *args, user, posters=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry_node"].queryset = NODES
        self.fields["center"].queryset = centers_with_sides(posters if posters is not None else [self.instance.poster_id])
        partner = self.fields["partner"]
        self.fields["partner"] = autocomplete_field("organisations", user=user, required=False, label=partner.label,
                                                    help_text=partner.help_text)
        if posters is not None:
            self.fields = {"poster": forms.ModelChoiceField(label=_("Posting organisation"), queryset=posters,
                                                            initial=posters.first()),
                           "mode": forms.ChoiceField(label=_("Mode"), choices=[("", _("By the poster's kind"))]
                                                     + Mode.choices, required=False),
                           **self.fields}
        for name in ("current_trl", "target_trl"):
            self.fields[name].widget.attrs.update({"min": 1, "max": 9})

    def _post_clean(self):
        """Model validation is the service's job (it gives the bilingual messages)."""


class ChallengeFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses"))] + Challenge.Status.choices)
    mode = forms.ChoiceField(label=_("Mode"), required=False, choices=[("", _("All modes"))] + Mode.choices)
    node = forms.ModelChoiceField(label=_("Industry-chain node"), required=False, queryset=NODES)
    trl = forms.IntegerField(label=_("TRL"), required=False, min_value=1, max_value=9)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))
    description = forms.CharField(label=pgettext_lazy("attachment", "Description"), max_length=200, required=False)
    is_confidential = forms.BooleanField(label=_("Confidential"), required=False, initial=True)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class UndertakingForm(forms.Form):
    statement = forms.CharField(
        label=_("Confidentiality undertaking"), widget=forms.Textarea(attrs={"rows": 3}),
        initial=_("I undertake to keep the confidential detail of this challenge secret, to use it only to "
                  "prepare a bid, and not to pass it to anyone outside my team."),
    )


class TopicForm(forms.Form):
    title = forms.CharField(label=_("Topic title"), max_length=200)
    objectives = forms.CharField(label=_("Objectives"), widget=forms.Textarea(attrs={"rows": 3}))
    deliverables = forms.CharField(label=_("Expected deliverables"), widget=forms.Textarea(attrs={"rows": 3}))


class CallForm(forms.Form):
    closes_on = forms.DateField(label=_("Bids close on"), widget=DateInput)
    criteria = forms.CharField(
        label=_("Scoring criteria"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line as “name: weight”; weights add up to 100."),
        initial="技术路线可行性: 40\n团队实力与前期基础: 30\n经费与进度合理性: 30",
    )
    winners = forms.IntegerField(label=_("Teams that may be awarded (赛马制)"), min_value=1, max_value=10,
                                 initial=1)
    questions_close_on = forms.DateField(label=_("Questions close on"), widget=DateInput, required=False,
                                         help_text=_("The day bids close when left empty."))
    staged = forms.BooleanField(label=_("Staged review: formal check → expert review → shortlist → defence"),
                                required=False)
    expert_weight = forms.IntegerField(label=_("Expert review weight (%)"), min_value=1, max_value=100, initial=60,
                                       required=False)
    advance = forms.IntegerField(label=_("Teams advancing to the defence"), min_value=1, initial=3, required=False)
    defence_weight = forms.IntegerField(label=_("Defence weight (%)"), min_value=0, max_value=99, initial=40,
                                        required=False, help_text=_("0: no defence, the shortlist goes to the award."))
    defence_scorers = forms.ChoiceField(label=_("Who scores the defence"), required=False, choices=[
        ("panel", _("The panel of both sides")), ("panel_and_experts", _("The panel and the outside experts"))])
    organisation_conflicts = forms.BooleanField(
        label=_("Panel members of a bidding team's organisation are recused too"), required=False)

    match_ratio = forms.DecimalField(
        label=_("Matched funding (1+1): public money per yuan the enterprise commits"), required=False,
        max_digits=5, decimal_places=2, min_value=0, help_text=_("Leave empty for no matched-funding rule; 1.00 = 1:1."))
    match_cap = forms.DecimalField(label=_("Matched-funding cap (CNY)"), required=False, max_digits=16,
                                   decimal_places=2, min_value=0)

    def __init__(self, *args, user, challenge, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["panel"] = autocomplete_field("projects-panel", user=user, params={"challenge": challenge.pk},
                                                  multiple=True, label=_("Scoring panel (both sides)"))
        if challenge.mode != Mode.GOVERNMENT_LED:  # the 1+1 rule bounds public money only
            del self.fields["match_ratio"], self.fields["match_cap"]

    def stage_rules(self) -> dict | None:
        """The staged-review rules as call_open takes them (None: one scoring round)."""
        data = self.cleaned_data
        if not data.get("staged"):
            return None
        rules = {"expert_review": {"weight": data.get("expert_weight"), "advance": data.get("advance")}}
        if data.get("defence_weight"):
            rules["defence"] = {"weight": data["defence_weight"], "scorers": data.get("defence_scorers") or "panel"}
        return rules

    def clean_criteria(self):
        criteria = []
        for line in self.cleaned_data["criteria"].splitlines():
            if not line.strip():
                continue
            name, sep, weight = line.replace("：", ":").rpartition(":")
            if not sep:
                raise ValidationError(_("Write each criterion as “name: weight”."))
            criteria.append({"name": name.strip(), "weight": weight.strip()})
        return criteria


class BidForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Bidding organisation"), queryset=Organisation.objects.none())
    team_name = forms.CharField(label=_("Team name"), max_length=200)
    approach = forms.CharField(label=_("Technical approach"), widget=forms.Textarea(attrs={"rows": 4}))
    plan = forms.CharField(label=_("Work plan"), widget=forms.Textarea(attrs={"rows": 4}))
    budget = forms.DecimalField(label=_("Requested budget (CNY)"), max_digits=16, decimal_places=2)

    def __init__(self, *args, user, challenge, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].initial = organisations.first()
        for name, source, label in (("members", "projects-team", _("Team members")),
                                    ("students", "projects-team-students", _("Students"))):
            self.fields[name] = autocomplete_field(source, user=user, params={"challenge": challenge.pk},
                                                   multiple=True, required=False, label=label)


class ScoreForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, criteria, initial_scores=None, **kwargs):
        super().__init__(*args, **kwargs)
        for index, criterion in enumerate(criteria):
            self.fields[f"c{index}"] = forms.DecimalField(
                label=f"{criterion['name']} ({criterion['weight']}%)", min_value=0, max_value=100,
                initial=(initial_scores or {}).get(criterion["name"]))
        self.fields["comment"] = self.fields.pop("comment")
        self.criteria = criteria

    def scores(self) -> dict:
        return {c["name"]: self.cleaned_data[f"c{i}"] for i, c in enumerate(self.criteria)}


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Your question"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000,
                           help_text=_("Only the posting side reads who asked."))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)
    public = forms.BooleanField(label=_("Answer to all bidders (who asked is not shown)"), required=False)
    public_text = forms.CharField(label=_("Question as published"), required=False, max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 2}),
                                  help_text=_("Reword it if the question gives away who asked."))


class FormalCheckForm(forms.Form):
    passed = forms.TypedChoiceField(label=_("Formal check"), coerce=lambda v: v == "pass", choices=[
        ("pass", _("Passed the formal check")), ("fail", _("Failed the formal check"))])
    note = forms.CharField(label=_("Note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}), help_text=_("Required when the bid fails."))


class DefenceSlotForm(forms.Form):
    at = forms.DateTimeField(label=_("Defence slot"), widget=DateTimeInput(), input_formats=[ISO_DATETIME_LOCAL])
    place = forms.CharField(label=_("Place"), max_length=200)


class ExpertForm(forms.Form):
    def __init__(self, *args, user, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"] = autocomplete_field("projects-experts", user=user,
                                                   params={"challenge": call.challenge_id},
                                                   label=_("Outside expert (talent pool)"))
        self.fields["bids"] = forms.ModelMultipleChoiceField(
            label=_("Bids to review"), queryset=call.bids.exclude(status="withdrawn"),
            widget=forms.CheckboxSelectMultiple)
        self.fields["bids"].label_from_instance = lambda bid: bid.team_name


class ShortlistForm(forms.Form):
    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bids"] = forms.ModelMultipleChoiceField(
            label=_("Teams that advance"), widget=forms.CheckboxSelectMultiple,
            queryset=call.bids.filter(status="submitted", formal_check="passed"))
        self.fields["bids"].label_from_instance = lambda bid: bid.team_name


class AwardForm(forms.Form):
    """赛马制: the teams to award together (each gets its own project)."""

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        bids = call.bids.filter(status="submitted")
        if call.stage_rules:
            bids = bids.filter(shortlisted=True)
        self.fields["bids"] = forms.ModelMultipleChoiceField(
            label=_("Teams to award (at most %(n)s)") % {"n": call.winners}, queryset=bids,
            widget=forms.CheckboxSelectMultiple)
        self.fields["bids"].label_from_instance = lambda bid: f"{bid.team_name} · {bid.budget:,.2f}"


class ConflictForm(forms.Form):
    """利益冲突声明 of an interest the records do not show (the detected ones are declared with one button)."""

    bid = forms.TypedChoiceField(label=_("Bid"), coerce=int)
    note = forms.CharField(label=_("The interest"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args, bids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bid"].choices = [(b.pk, b.team_name) for b in bids]


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    deliverables = forms.CharField(label=_("Deliverables"), widget=forms.Textarea(attrs={"rows": 2}))
    due_on = forms.DateField(label=_("Due on"), widget=DateInput)
    tranche = forms.DecimalField(label=_("Budget tranche (CNY)"), max_digits=16, decimal_places=2, initial=0)


class ReportForm(forms.Form):
    report = forms.CharField(label=_("Delivery report"), widget=forms.Textarea(attrs={"rows": 2}))


class TrlForm(forms.Form):
    trl = forms.IntegerField(label=_("TRL reached"), widget=forms.NumberInput(attrs={"min": 1, "max": 9}))
    evidence = forms.CharField(label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 2}))


class BudgetChangeForm(forms.Form):
    new_budget = forms.DecimalField(label=_("New budget (CNY)"), max_digits=16, decimal_places=2)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ResultForm(forms.Form):
    result_abstract = forms.CharField(label=_("Result abstract"), widget=forms.Textarea(attrs={"rows": 4}))


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document type"), choices=[
        (k, label) for k, label in Document.Kind.choices if k in Document.TEMPLATES])
    file = forms.FileField(label=_("File"), help_text=_("PDF, Word, Excel, PowerPoint, OpenDocument, images, text or "
                                                       "zip; at most 20 MB."))

    def __init__(self, *args, templates: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not templates:  # the record decides the type: a proposal, a deliverable, an evaluation report
            del self.fields["kind"]


class PublicTrancheForm(forms.Form):
    title = forms.CharField(label=_("Tranche"), max_length=200)
    amount = forms.DecimalField(label=_("Amount (CNY)"), max_digits=16, decimal_places=2, min_value=Decimal("0.01"))
    due_on = forms.DateField(label=_("Due on"), widget=DateInput, required=False)


class MilestoneAssessmentForm(forms.Form):
    score = forms.IntegerField(label=_("Score (0–100)"), min_value=0, max_value=100)
    verdict = forms.ChoiceField(label=_("Verdict"), choices=MilestoneAssessment.Verdict.choices)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("Required unless the verdict is pass: what must change."))


class EvaluationForm(forms.Form):
    technical_score = forms.IntegerField(label=_("Technical achievement (0–100)"))
    application_score = forms.IntegerField(label=_("Application value (0–100)"))
    management_score = forms.IntegerField(label=_("Project management (0–100)"))
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

