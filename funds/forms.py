"""Page forms. They only shape input; amounts are checked by the services (one place for the messages)."""
from django import forms
from django.utils.translation import gettext_lazy as _

from platform_core.autocomplete import autocomplete_field
from platform_core.widgets import DateInput
from platform_core.models import IndustryChain

from .models import Currency, Fund, Stage


def amount_field(label, required=True, help_text=""):
    return forms.CharField(label=label, required=required, help_text=help_text,
                           widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "0.00"}))


class BootstrapMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)


class FundFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(label=_("Fund type"), required=False, choices=[("", _("All"))] + Fund.Kind.choices)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All"))] + Fund.Status.choices)
    chain = forms.ModelChoiceField(label=_("Industry chain"), required=False, queryset=IndustryChain.objects.all(),
                                   empty_label=_("All"))


class FundForm(BootstrapMixin, forms.Form):
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Fund type"), choices=Fund.Kind.choices)
    committed_size = amount_field(_("Committed size"))
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices, initial=Currency.CNY)
    vintage_year = forms.IntegerField(label=_("Vintage year"))
    established_on = forms.DateField(label=_("Established on"), required=False, widget=DateInput)
    term_ends_on = forms.DateField(label=_("Term ends on"), required=False, widget=DateInput)
    focus_chains = forms.ModelMultipleChoiceField(label=_("Focus industry chains"), required=False,
                                                  queryset=IndustryChain.objects.all(),
                                                  widget=forms.CheckboxSelectMultiple)
    focus_stages = forms.MultipleChoiceField(label=_("Focus stages"), required=False, choices=Stage.choices,
                                             widget=forms.CheckboxSelectMultiple)
    status = forms.ChoiceField(label=_("Status"), choices=Fund.Status.choices, initial=Fund.Status.INVESTING)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not editing:
            self.fields["manager"] = autocomplete_field("funds-managers", user=user, label=_("Manager"))
            self.order_fields(["manager"])


class InvestmentForm(BootstrapMixin, forms.Form):
    round = forms.ChoiceField(label=_("Round"), choices=Stage.choices)
    amount = amount_field(_("Amount"))
    equity_percent = forms.CharField(label=_("Equity (%)"), required=False,
                                     help_text=_("Greater than 0 and at most 100; empty for debt financing."),
                                     widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    invested_on = forms.DateField(label=_("Invested on"), widget=DateInput)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"] = autocomplete_field("funds-companies", user=user, label=_("Incubated company"),
                                                    required=False)
        self.fields["project"] = autocomplete_field("funds-projects", user=user, label=_("or project"),
                                                    required=False)
        self.order_fields(["company", "project"])


class CommitmentForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    reference = forms.CharField(label=_("Document number"), max_length=100, required=False)
    amount = amount_field(_("Committed amount"))
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices, initial=Currency.CNY)
    committed_on = forms.DateField(label=_("Committed on"), widget=DateInput)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"] = autocomplete_field("funds-sources", user=user, label=_("Source organisation"))
        self.fields["center"] = autocomplete_field("funds-centers", user=user, label=_("Joint center"),
                                                   required=False)
        self.fields["project"] = autocomplete_field("funds-projects", user=user, label=_("or project"),
                                                    required=False)
        self.order_fields(["source", "center", "project"])


class TrancheForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    amount = amount_field(_("Amount"))
    due_on = forms.DateField(label=_("Planned date"), required=False, widget=DateInput)

    def __init__(self, *args, user, commitment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestone"] = autocomplete_field(
            "funds-milestones", user=user, params={"commitment": commitment.pk}, label=_("Milestone"),
            required=False, help_text=_("Payable only after this milestone was accepted."))
        self.order_fields(["title", "amount", "milestone", "due_on"])


class PayForm(BootstrapMixin, forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput)
