from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from platform_core.autocomplete import autocomplete_field
from platform_core.widgets import DateInput, DateTimeInput
from platform_core.models import IndustryChain, IndustryNode, Organisation, Role

from .models import Achievement, Contract, Deal, IncubatedCompany, LicenceType, Patent, Push, Roadshow



class PoolFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses"))] + Achievement.Status.choices)
    chain = forms.ModelChoiceField(label=_("Industry chain"), queryset=IndustryChain.objects.all(), required=False,
                                   empty_label=_("All chains"))


class SupermarketFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    chain = forms.ModelChoiceField(label=_("Industry chain"), queryset=IndustryChain.objects.all(), required=False,
                                   empty_label=_("All chains"))
    min_trl = forms.IntegerField(label=_("TRL at least"), min_value=1, max_value=9, required=False)
    licence_type = forms.ChoiceField(label=_("Licence type"), required=False,
                                     choices=[("", _("Any licence type"))] + LicenceType.choices)
    max_price = forms.DecimalField(label=_("Budget up to (CNY)"), min_value=0, required=False, decimal_places=2)


class ListingTermsForm(forms.Form):
    asking_price = forms.DecimalField(label=_("Asking price (CNY)"), min_value=0, max_digits=16, decimal_places=2,
                                      required=False)
    price_negotiable = forms.BooleanField(label=_("Price negotiable (面议)"), required=False)
    licence_types = forms.MultipleChoiceField(label=_("Licence types offered"), choices=LicenceType.choices,
                                              required=False, widget=forms.CheckboxSelectMultiple)


class InquiryForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("On behalf of"), queryset=Organisation.objects.none())
    message = forms.CharField(label=_("Your question"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("What you would like to know: terms, a visit, samples, the team…"))

    def __init__(self, *args, enterprises=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises if enterprises is not None else Organisation.objects.none()
        if enterprises is not None and len(enterprises) == 1:
            self.fields["enterprise"].initial = enterprises[0].pk


class RoadshowForm(forms.ModelForm):
    class Meta:
        model = Roadshow
        fields = ["title", "organiser", "starts_at", "registration_deadline", "place", "online_url", "capacity",
                  "description", "achievements"]
        widgets = {"starts_at": DateTimeInput(), "registration_deadline": DateTimeInput(),
                   "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, organisers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = organisers if organisers is not None else Organisation.objects.none()
        self.fields["achievements"] = autocomplete_field(
            "transfer-listed-achievements", user=user, multiple=True, required=False,
            label=_("Achievements presented"))


class RoadshowRegisterForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("On behalf of"), queryset=Organisation.objects.none())

    def __init__(self, *args, enterprises=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises if enterprises is not None else Organisation.objects.none()
        if enterprises is not None and len(enterprises) == 1:
            self.fields["enterprise"].initial = enterprises[0].pk


class AchievementForm(forms.ModelForm):
    keywords = forms.CharField(label=_("Keywords"), required=False, help_text=_("Separated by ；, 、 or commas."))

    class Meta:
        model = Achievement
        fields = ["title", "external_ref", "owner", "school", "industry_node", "field", "trl", "abstract",
                  "confidential_detail", "keywords", "inventor_names"]
        widgets = {"abstract": forms.Textarea(attrs={"rows": 4}),
                   "confidential_detail": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        if owners is not None:
            self.fields["owner"].queryset = owners
            self.fields["school"].queryset = Organisation.objects.filter(parent__in=owners)
        self.fields["industry_node"].queryset = IndustryNode.objects.select_related("chain")
        if self.instance.pk:
            self.initial["keywords"] = "；".join(self.instance.keywords)

    def validate_unique(self):
        """The service checks uniqueness with a clearer message."""


class ScreenForm(forms.Form):
    reason = forms.CharField(label=_("Why is it easy to transfer?"), widget=forms.Textarea(attrs={"rows": 2}))


class PushForm(forms.Form):
    note = forms.CharField(label=_("Note to the enterprise"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"] = autocomplete_field(
            "organisations", user=user, params={"kind": Organisation.Kind.ENTERPRISE}, label=_("Enterprise"))
        self.order_fields(["enterprise", "note"])


class BrokerForm(forms.Form):
    broker = forms.ModelChoiceField(label=_("Technology broker"), queryset=get_user_model().objects.none())

    def __init__(self, *args, achievement, **kwargs):
        super().__init__(*args, **kwargs)
        units = [o.pk for o in (achievement.owner, achievement.school) if o is not None]
        self.fields["broker"].queryset = get_user_model().objects.filter(
            memberships__organisation_id__in=units, memberships__role=Role.BROKER, memberships__is_active=True,
        ).distinct()


class AnswerForm(forms.Form):
    note = forms.CharField(label=_("Message"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DealForm(forms.Form):
    push = forms.ModelChoiceField(label=_("Push under negotiation"), queryset=Push.objects.none(), required=False)
    kind = forms.ChoiceField(label=_("Deal type"), choices=Deal.Kind.choices)
    exclusivity = forms.ChoiceField(label=_("Exclusivity (licences)"), required=False,
                                    choices=[("", "—")] + Deal.Exclusivity.choices)
    territory = forms.CharField(label=_("Territory"), required=False, max_length=200)
    term_start = forms.DateField(label=_("Term from"), required=False, widget=DateInput)
    term_end = forms.DateField(label=_("Term until"), required=False, widget=DateInput)
    price = forms.CharField(label=_("Price (CNY)"), initial="0")
    royalty_rate = forms.CharField(label=_("Royalty rate (%)"), initial="0", required=False)
    equity_percent = forms.CharField(label=_("Equity share (%)"), required=False)
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    company_name = forms.CharField(label=_("Spin-off: company name"), required=False, max_length=200)

    def __init__(self, *args, achievement, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["push"].queryset = achievement.pushes.filter(status=Push.Status.NEGOTIATING).select_related(
            "enterprise")
        self.fields["company_incubator"] = autocomplete_field(
            "transfer-managed-incubators", user=user, required=False, label=_("Spin-off: admit the new company to"))
        self.order_fields([name for name in self.fields if name != "company_name"] + ["company_name"])


class ShareForm(forms.Form):
    beneficiary = forms.CharField(label=_("Beneficiary"), required=False,
                                  help_text=_("Username, organisation name or a person's name"))
    percent = forms.CharField(label=_("Share (%)"), required=False)


ShareFormSet = forms.formset_factory(ShareForm, extra=4, max_num=10)


class PatentForm(forms.ModelForm):
    ipc_codes = forms.CharField(label=_("IPC codes"), required=False, help_text=_("e.g. H01M 10/052; H01M 4/36"))
    application_number = forms.CharField(label=_("Application number"), max_length=30,
                                         help_text=_("e.g. 201910123456.X: 12 digits and the check digit."))

    class Meta:
        model = Patent
        fields = ["application_number", "publication_number", "title", "patent_type", "legal_status", "owner",
                  "filing_date", "grant_date", "next_fee_due", "ipc_codes", "achievements"]
        widgets = {"filing_date": DateInput, "grant_date": DateInput, "next_fee_due": DateInput}

    def __init__(self, *args, owners, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["achievements"] = autocomplete_field(
            "transfer-managed-achievements", user=user, multiple=True, required=False, label=_("Achievements"))

    def validate_unique(self):
        """The service checks duplicates with a clearer message."""

    def _post_clean(self):
        """Validation belongs to the service (numbers are normalised before checking)."""


class IncubatorForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    address = forms.CharField(label=_("Address"), required=False, max_length=200)
    established_on = forms.DateField(label=_("Established on"), required=False, widget=DateInput)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"] = autocomplete_field("transfer-incubator-hosts", user=user, label=_("Host enterprise"))
        self.fields["partner_university"] = autocomplete_field(
            "transfer-universities", user=user, required=False, label=_("Partner university"))
        self.order_fields(["name", "host", "partner_university"])


class CompanyForm(forms.ModelForm):
    class Meta:
        model = IncubatedCompany
        fields = ["name", "industry_node", "stage", "admitted_on", "founder_names", "founders", "achievements",
                  "description"]
        widgets = {"admitted_on": DateInput, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry_node"].queryset = IndustryNode.objects.select_related("chain")
        self.fields["founders"] = autocomplete_field("users", user=user, multiple=True, required=False,
                                                     label=_("Founders"))
        self.fields["achievements"] = autocomplete_field("transfer-achievements", user=user, multiple=True,
                                                         required=False, label=_("Achievements built on"))
        self.fields["stage"].choices = [c for c in IncubatedCompany.Stage.choices
                                        if c[0] not in ("graduated", "exited")]

    def validate_unique(self):
        """The service checks duplicates."""

    def _post_clean(self):
        """Validation belongs to the service."""


class CompanyStageForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=IncubatedCompany.Stage.choices)
    graduated_on = forms.DateField(label=_("Graduated on"), required=False, widget=DateInput)



# ---------------------------------------------------------------- income (issue 11)
# Amounts are text fields: the services parse them and say "not a number" themselves, in both languages.

class ReceiptForm(forms.Form):
    received_on = forms.DateField(label=_("Received on"), widget=DateInput)
    amount = forms.CharField(label=_("Amount (CNY)"))
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
    over_reason = forms.CharField(label=_("Reason if the contract amount is exceeded"), required=False,
                                  max_length=300)


class RoyaltyReportForm(forms.Form):
    period_start = forms.DateField(label=_("Period from"), widget=DateInput)
    period_end = forms.DateField(label=_("Period until"), widget=DateInput)
    sales_amount = forms.CharField(label=_("Licensee's sales (CNY)"), required=False, initial="0")
    royalty_amount = forms.CharField(label=_("Royalty (CNY)"))
    received_on = forms.DateField(label=_("Received on"), widget=DateInput)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
    over_reason = forms.CharField(label=_("Reason if the contract amount is exceeded"), required=False,
                                  max_length=300)


class EquityHoldingForm(forms.Form):
    company_name = forms.CharField(label=_("Company name"), max_length=200)
    shares = forms.CharField(label=_("Shares acquired"))
    acquired_on = forms.DateField(label=_("Acquired on"), widget=DateInput)
    value = forms.CharField(label=_("Value (CNY)"), required=False,
                            help_text=_("Empty: the contract amount."))
    over_reason = forms.CharField(label=_("Reason if the contract amount is exceeded"), required=False,
                                  max_length=300)


class EquityDisposalForm(forms.Form):
    disposed_on = forms.DateField(label=_("Disposed on"), widget=DateInput)
    shares = forms.CharField(label=_("Shares disposed"))
    proceeds = forms.CharField(label=_("Proceeds (CNY)"))
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
    over_reason = forms.CharField(label=_("Reason if the contract amount is exceeded"), required=False,
                                  max_length=300)


class RegistrationForm(forms.Form):
    registration_number = forms.CharField(label=_("Technology contract registration number (技术合同认定登记号)"),
                                          max_length=40, required=False)
    registration_date = forms.DateField(label=_("Registered on"), widget=DateInput, required=False)


class FourSharesForm(forms.Form):
    inventors_percent = forms.CharField(label=_("Inventors' team share (%)"))
    school_percent = forms.CharField(label=_("School share (%)"))
    tto_percent = forms.CharField(label=_("TTO share (%)"))
    university_percent = forms.CharField(label=_("University share (%)"))


class DistributionRuleForm(FourSharesForm):
    inventors_min = forms.CharField(label=_("Inventors' share at least (%)"))
    inventors_max = forms.CharField(label=_("Inventors' share at most (%)"))


class TeamSplitForm(forms.Form):
    """One percent per person of the team (a small list: the achievement's inventors)."""

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.team = team
        for person in team:
            self.fields[f"person_{person.pk}"] = forms.CharField(label=str(person), required=False)

    def entries(self) -> list[dict]:
        return [{"person": person, "percent": self.cleaned_data.get(f"person_{person.pk}")}
                for person in self.team if (self.cleaned_data.get(f"person_{person.pk}") or "").strip()]


class ContractForm(forms.Form):
    kind = forms.ChoiceField(label=_("Contract type"), choices=[
        (k, label) for k, label in Contract.Kind.choices if k in Contract.COLLABORATION_KINDS])
    institution = forms.ModelChoiceField(label=_("Institution"), queryset=Organisation.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    amount = forms.CharField(label=_("Contract amount (CNY)"))
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput)
    registration_number = forms.CharField(label=_("Technology contract registration number (技术合同认定登记号)"),
                                          max_length=40, required=False)
    registration_date = forms.DateField(label=_("Registered on"), widget=DateInput, required=False)

    def __init__(self, *args, user, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions
        self.fields["counterparty"] = autocomplete_field("organisations", user=user, params={"kind": "enterprise"},
                                                         label=_("Counterparty"), required=False)
        self.fields["joint_center"] = autocomplete_field("transfer-income-centers", user=user, required=False,
                                                         label=_("Joint center"))
        self.fields["project"] = autocomplete_field("transfer-income-projects", user=user, required=False,
                                                    label=_("Project"))


class AnnualReportForm(forms.Form):
    institution = forms.ModelChoiceField(label=_("Institution"), queryset=Organisation.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2200)
    narrative = forms.CharField(label=_("The year's work (part 1)"), required=False,
                                widget=forms.Textarea(attrs={"rows": 4}))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions
        if len(institutions) == 1:
            self.fields["institution"].initial = institutions[0].pk


class AnnualReportTextForm(forms.Form):
    narrative = forms.CharField(label=_("The year's work (part 1)"), required=False,
                                widget=forms.Textarea(attrs={"rows": 6}))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class AnnualReportSubmitForm(forms.Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"] = autocomplete_field("organisations", user=user, params={"kind": "government"},
                                                   label=_("Competent department"))


class PayoutPaidForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput)


class BatchScreenFilterForm(forms.Form):
    min_trl = forms.IntegerField(label=_("TRL at least"), min_value=1, max_value=9, required=False)
    max_trl = forms.IntegerField(label=_("TRL at most"), min_value=1, max_value=9, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"] = autocomplete_field("transfer-managed-schools", user=user, required=False,
                                                   label=_("School or college"))
        self.fields["node"] = autocomplete_field("transfer-nodes", user=user, required=False,
                                                 label=_("Industry-chain node"))
        self.fields["field"] = autocomplete_field("transfer-fields", user=user, required=False,
                                                  label=_("Technology field"))


class BatchScreenForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), choices=[("screen", _("Screen as easy to transfer")),
                                                          ("assign_to_me", _("Add to my portfolio"))])
    reason = forms.CharField(label=_("Reason (one for all)"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))
