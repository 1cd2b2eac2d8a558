"""The one filter form of the dashboard, its exports and the KPI API.

A period is either a date range or a year (optionally a quarter or a month of it); without one the
figures run from the beginning to today. Region is a province and optionally one of its cities;
industry chain and optionally one of its nodes; an organisation; a collaboration mode.
Bad input is a form error in the active language (the API answers 400 with the same messages).
"""
import calendar
import datetime
from dataclasses import dataclass

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from platform_core.autocomplete import autocomplete_field
from platform_core.models import IndustryChain, IndustryNode, Organisation, Region
from platform_core.widgets import DateInput
from projects.models import Mode

FIRST_YEAR = 1990


@dataclass(frozen=True)
class Filters:
    start: datetime.date | None
    end: datetime.date
    province: Region | None = None
    city: Region | None = None
    chain: IndustryChain | None = None
    node: IndustryNode | None = None
    organisation: Organisation | None = None
    mode: str = ""

    @property
    def region(self) -> Region | None:
        return self.city or self.province

    def as_params(self) -> dict:
        """The filters as query parameters (links to drill-downs, exports and the API)."""
        params = {"start": self.start.isoformat() if self.start else "", "end": self.end.isoformat()}
        for name in ("province", "city", "chain", "node", "organisation"):
            value = getattr(self, name)
            if value is not None:
                params[name] = value.pk
        if self.mode:
            params["mode"] = self.mode
        return {key: value for key, value in params.items() if value != ""}

    def stated(self) -> list[tuple[str, str]]:
        """The filters as (label, value) lines, stated at the top of prints and reports."""
        lines = [(str(_("Period")), f"{self.start.isoformat() if self.start else '…'} – {self.end.isoformat()}")]
        if self.region:
            lines.append((str(_("Region")), " · ".join(str(r) for r in (self.province, self.city) if r)))
        if self.chain or self.node:
            lines.append((str(_("Industry chain")), str(self.node) if self.node else str(self.chain)))
        if self.organisation:
            lines.append((str(_("Organisation")), str(self.organisation)))
        if self.mode:
            lines.append((str(_("Mode")), str(Mode(self.mode).label)))
        return lines


class ReportFilterForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=DateInput)
    end = forms.DateField(label=_("To"), required=False, widget=DateInput)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=FIRST_YEAR, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("Quarter"), required=False, coerce=int, empty_value=None,
                                     choices=[("", "—")] + [(q, f"Q{q}") for q in range(1, 5)])
    month = forms.TypedChoiceField(label=_("Month"), required=False, coerce=int, empty_value=None,
                                   choices=[("", "—")] + [(m, str(m)) for m in range(1, 13)])
    province = forms.ModelChoiceField(label=_("Province"), required=False,
                                      queryset=Region.objects.filter(parent__isnull=True))
    city = forms.ModelChoiceField(label=_("City"), required=False, queryset=Region.objects.filter(parent__isnull=False))
    chain = forms.ModelChoiceField(label=_("Industry chain"), required=False, queryset=IndustryChain.objects.all())
    node = forms.ModelChoiceField(label=_("Industry-chain node"), required=False,
                                  queryset=IndustryNode.objects.select_related("chain"))
    mode = forms.ChoiceField(label=_("Mode"), required=False, choices=[("", "—"), *Mode.choices])

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = autocomplete_field("organisations", user=user, required=False,
                                                         label=_("Organisation"))
        self.fields["node"].label_from_instance = lambda node: f"{node.chain.name} · {node.name}"

    def clean(self):
        data = super().clean()
        start, end, year = data.get("start"), data.get("end"), data.get("year")
        quarter, month = data.get("quarter"), data.get("month")
        if year is not None and (start or end):
            raise forms.ValidationError(_("Give either a date range or a year, not both."))
        if (quarter or month) and year is None:
            raise forms.ValidationError(_("A quarter or a month needs a year."))
        if quarter and month:
            raise forms.ValidationError(_("Give either a quarter or a month, not both."))
        if start and end and end < start:
            self.add_error("end", _("The end of the period is before its start."))
        city, province = data.get("city"), data.get("province")
        if city and province and city.parent_id != province.pk:
            self.add_error("city", _("This city is not in the chosen province."))
        node, chain = data.get("node"), data.get("chain")
        if node and chain and node.chain_id != chain.pk:
            self.add_error("node", _("This node is not on the chosen industry chain."))
        return data

    def filters(self) -> Filters:
        """The resolved filters (call after is_valid())."""
        data = self.cleaned_data
        today = timezone.localdate()
        start, end = data.get("start"), data.get("end") or today
        year = data.get("year")
        if year is not None:
            first_month, last_month = 1, 12
            if data.get("quarter"):
                first_month = 3 * data["quarter"] - 2
                last_month = first_month + 2
            elif data.get("month"):
                first_month = last_month = data["month"]
            start = datetime.date(year, first_month, 1)
            end = datetime.date(year, last_month, calendar.monthrange(year, last_month)[1])
        city = data.get("city")
        province = data.get("province") or (city.parent if city and city.parent_id else None)
        node = data.get("node")
        return Filters(start=start, end=end, province=province, city=city, chain=data.get("chain") or (
            node.chain if node else None), node=node, organisation=data.get("organisation"), mode=data.get("mode") or "")
