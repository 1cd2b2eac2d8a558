from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from platform_core.autocomplete import autocomplete_field
from platform_core.widgets import DateInput
from platform_core.models import IndustryNode, Organisation, TechField
from platform_core.services import find_user

from .models import DualMentorAssignment, EnterpriseMentor, SharedHire, TalentEvidence, TalentProfile
from .services import ShareSpec



class UserLookupField(forms.CharField):
    """A user given by username or email."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 254)
        kwargs.setdefault("help_text", _("Username or email"))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            return find_user(value)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["user"]) from exc

    def prepare_value(self, value):
        if isinstance(value, int):  # a ModelForm's initial is the user's pk: show the username
            value = get_user_model().objects.filter(pk=value).first() or value
        return getattr(value, "username", value)


class TalentPoolFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    field = forms.ModelChoiceField(label=_("Technology field"), queryset=TechField.objects.all(), required=False)
    availability = forms.ChoiceField(label=_("Availability"), required=False,
                                     choices=[("", _("Any"))] + TalentProfile.Availability.choices)


class TalentProfileForm(forms.ModelForm):
    user = UserLookupField(label=_("Platform account"), required=False)
    expertise = forms.CharField(label=_("Expertise keywords"), required=False,
                                help_text=_("Separate keywords with commas."))
    languages = forms.CharField(label=_("Languages"), required=False, help_text=_("Separate with commas."))

    class Meta:
        model = TalentProfile
        fields = ["name_zh", "name_en", "organisation", "user", "title", "is_overseas", "country", "expertise",
                  "fields", "industry_nodes", "languages", "availability", "biography"]
        widgets = {"fields": forms.SelectMultiple(attrs={"size": 6}),
                   "industry_nodes": forms.SelectMultiple(attrs={"size": 6}),
                   "biography": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, organisations=None, can_link_account=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_link_account:  # the account a profile names controls it: only HR re-links it
            del self.fields["user"]
        if self.instance.pk:
            del self.fields["organisation"]
            self.initial["expertise"] = ", ".join(self.instance.expertise)
            self.initial["languages"] = ", ".join(self.instance.languages)
        else:
            self.fields["organisation"].queryset = organisations
        self.fields["industry_nodes"].queryset = IndustryNode.objects.select_related("chain")  # labels name the chain

    def _post_clean(self):
        """The service validates and saves; the ModelForm must not copy values onto the instance."""


class EvidenceForm(forms.ModelForm):
    class Meta:
        model = TalentEvidence
        fields = ["kind", "title", "year", "identifier", "url", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}

    def _post_clean(self):
        """Validated by the service."""


class SharedHireForm(forms.ModelForm):
    class Meta:
        model = SharedHire
        fields = ["talent", "university", "position", "annual_cost", "start_date", "end_date", "notes"]
        widgets = {"start_date": DateInput, "end_date": DateInput, "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, universities=None, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["talent"], self.fields["university"]
        else:
            self.fields["talent"] = autocomplete_field("talent-profiles", user=user, label=_("Talent"))
            self.fields["university"].queryset = universities

    def _post_clean(self):
        """Validated by the service (dates and shares together)."""


class ShareForm(forms.Form):
    salary_percent = forms.DecimalField(label=_("Share of package (%)"), max_digits=5, decimal_places=2,
                                        required=False, min_value=0, max_value=100)
    time_percent = forms.DecimalField(label=_("Share of working time (%)"), max_digits=5, decimal_places=2,
                                      required=False, min_value=0, max_value=100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = autocomplete_field("talent-hire-parties", user=user, label=_("Party"),
                                                         required=False)
        self.order_fields(["organisation"])

    def clean(self):
        data = super().clean()
        if data.get("organisation") and data.get("salary_percent") is None:
            self.add_error("salary_percent", _("Give this party's share of the package."))
        if not data.get("organisation") and (data.get("salary_percent") or data.get("time_percent")):
            self.add_error("organisation", _("Choose the party for this share."))
        return data


ShareFormSet = forms.formset_factory(ShareForm, extra=0, min_num=4)


def share_specs(formset) -> list[ShareSpec]:
    return [
        ShareSpec(f.cleaned_data["organisation"], f.cleaned_data["salary_percent"],
                  f.cleaned_data.get("time_percent") or Decimal("0"))
        for f in formset.forms if f.cleaned_data.get("organisation")
    ]


def share_initial(hire) -> list[dict]:
    return [{"organisation": s.organisation, "salary_percent": s.salary_percent, "time_percent": s.time_percent}
            for s in hire.shares.all()]


class RenewForm(forms.Form):
    end_date = forms.DateField(label=_("New contract end"), widget=DateInput)
    annual_cost = forms.DecimalField(label=_("Annual package (CNY)"), max_digits=16, decimal_places=2,
                                     required=False, help_text=_("Leave blank to keep the current package."))


class TerminateForm(forms.Form):
    on_date = forms.DateField(label=_("Terminated on"), widget=DateInput)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class CostReportFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = autocomplete_field("organisations", user=user, label=_("Party"), required=False)


class MentorForm(forms.ModelForm):
    user = UserLookupField(label=_("Mentor"))

    class Meta:
        model = EnterpriseMentor
        fields = ["user", "organisation", "university", "title", "fields", "expertise", "term_start", "term_end"]
        widgets = {"term_start": DateInput, "term_end": DateInput, "fields": forms.SelectMultiple(attrs={"size": 6}),
                   "expertise": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, universities=None, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["university"].queryset = universities
        self.fields["organisation"] = autocomplete_field(
            "organisations", user=user, params={"kind": Organisation.Kind.ENTERPRISE}, label=_("Enterprise"))

    def _post_clean(self):
        """Validated by the service."""


class AssignmentForm(forms.ModelForm):
    student = UserLookupField(label=_("Student"))
    university_mentor = UserLookupField(label=_("University mentor"))

    class Meta:
        model = DualMentorAssignment
        fields = ["student", "degree", "university", "university_mentor", "enterprise_mentor", "placement_kind",
                  "center", "project", "placement_label", "thesis_topic", "start_date", "expected_graduation"]
        widgets = {"start_date": DateInput, "expected_graduation": DateInput}

    def __init__(self, *args, universities=None, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["university"].queryset = universities
        self.fields["enterprise_mentor"] = autocomplete_field("talent-mentors", user=user,
                                                              label=_("Enterprise mentor"))
        self.fields["center"] = autocomplete_field(
            "talent-placement-centers", user=user, required=False, label=_("Joint R&D center"),
            help_text=_("When placed in a center: one of your university's joint centers."))
        self.fields["project"] = autocomplete_field(
            "talent-placement-projects", user=user, required=False, label=_("Project"),
            help_text=_("When placed in a project: one your university performs."))
        self.fields["placement_label"].required = False
        self.fields["placement_label"].label = _("Unit in the enterprise")
        self.fields["placement_label"].help_text = _("When placed in the enterprise: the lab or department.")

    def _post_clean(self):
        """Validated by the service."""


class CloseAssignmentForm(forms.Form):
    status = forms.ChoiceField(label=_("Outcome"), choices=[
        (DualMentorAssignment.Status.GRADUATED, DualMentorAssignment.Status.GRADUATED.label),
        (DualMentorAssignment.Status.WITHDRAWN, DualMentorAssignment.Status.WITHDRAWN.label),
    ])
    on_date = forms.DateField(label=_("Date"), widget=DateInput)
