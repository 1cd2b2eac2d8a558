from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from platform_core.autocomplete import autocomplete_field
from platform_core.widgets import DateInput
from platform_core.models import IndustryNode, Organisation

from .models import CenterDecision, CenterMember, Consortium, ConsortiumMember, CouncilMember, JointCenter, Side

NODES = IndustryNode.objects.select_related("chain")
ACADEMIC = f"{Organisation.Kind.UNIVERSITY},{Organisation.Kind.RESEARCH_INSTITUTE}"


class CenterForm(forms.ModelForm):
    class Meta:
        model = JointCenter
        fields = ["name_zh", "name_en", "enterprise", "university", "agreement_signed_on", "agreement_start",
                  "agreement_end", "funding_commitment", "research_directions", "description", "status",
                  "industry_nodes", "fields"]
        widgets = {"agreement_signed_on": DateInput, "agreement_start": DateInput, "agreement_end": DateInput,
                   "research_directions": forms.Textarea(attrs={"rows": 4}),
                   "description": forms.Textarea(attrs={"rows": 3}),
                   "industry_nodes": forms.SelectMultiple(attrs={"size": 6}),
                   "fields": forms.SelectMultiple(attrs={"size": 6})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry_nodes"].queryset = NODES
        if self.instance.pk:
            del self.fields["enterprise"]
            del self.fields["university"]
        else:
            for name, kinds in (("enterprise", Organisation.Kind.ENTERPRISE), ("university", ACADEMIC)):
                self.fields[name] = autocomplete_field("organisations", user=user, params={"kind": kinds},
                                                       label=self.fields[name].label)

    def _post_clean(self):
        """Rules are checked by consortia.services."""


class CenterFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses"))] + JointCenter.Status.choices)


class AppointForm(forms.Form):
    side = forms.ChoiceField(label=_("Side"), choices=Side.choices)
    position = forms.ChoiceField(label=_("Position"), choices=CenterMember.Position.choices)
    title = forms.CharField(label=pgettext_lazy("person", "Title"), required=False, max_length=100)

    def __init__(self, *args, user, center, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"user": autocomplete_field("consortia-center-people", user=user, params={"center": center.pk},
                                                  label=_("Person")), **self.fields}


class CenterDecisionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Decision"), choices=CenterDecision.Kind.choices)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1990, max_value=2100,
                              help_text=_("For an annual plan or budget."))
    amount = forms.DecimalField(label=_("Budget (CNY)"), required=False, max_digits=16, decimal_places=2,
                                min_value=Decimal("0.01"))
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("The plan, the budget's breakdown, or one research direction per line."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["co_signer"] = autocomplete_field(
            "organisations", user=user, required=False, label=_("Co-signing intermediary"),
            help_text=_("A technology-transfer center or agency that co-signs, if any."))


class ConsortiumForm(forms.ModelForm):
    class Meta:
        model = Consortium
        fields = ["name_zh", "name_en", "kind", "lead", "founded_on", "goals", "status", "industry_nodes"]
        widgets = {"founded_on": DateInput, "goals": forms.Textarea(attrs={"rows": 4}),
                   "industry_nodes": forms.SelectMultiple(attrs={"size": 6})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry_nodes"].queryset = NODES
        if self.instance.pk:
            del self.fields["lead"]
        else:
            self.fields["lead"] = autocomplete_field("consortia-leads", user=user, label=self.fields["lead"].label)

    def _post_clean(self):
        """Rules are checked by consortia.services."""


class ConsortiumMemberForm(forms.ModelForm):
    class Meta:
        model = ConsortiumMember
        fields = ["organisation", "role", "responsibilities"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = autocomplete_field("organisations", user=user,
                                                         label=self.fields["organisation"].label)
        self.fields["role"].choices = [c for c in ConsortiumMember.Role.choices if c[0] != "lead"]

    def _post_clean(self):
        """Rules are checked by consortia.services."""


class CouncilForm(forms.ModelForm):
    class Meta:
        model = CouncilMember
        fields = ["user", "organisation", "position"]

    def __init__(self, *args, user, consortium, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = consortium.members.values("organisation_id")
        self.fields["organisation"].queryset = self.fields["organisation"].queryset.filter(pk__in=orgs)
        self.fields["user"] = autocomplete_field("consortia-council-candidates", user=user,
                                                 params={"consortium": consortium.pk}, label=self.fields["user"].label)

    def _post_clean(self):
        """Rules are checked by consortia.services."""
