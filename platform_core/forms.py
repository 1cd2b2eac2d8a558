from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import IndustryChain, IndustryNode, NotificationPreference, Organisation, Region, Role
from .notifications import EVENT_TYPES


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = [
            "name_zh", "name_en", "credit_code", "region", "industry_nodes", "fields",
            "is_fortune_global_500", "is_china_top_500", "website", "description",
        ]
        widgets = {
            "industry_nodes": forms.SelectMultiple(attrs={"size": 8}),
            "fields": forms.SelectMultiple(attrs={"size": 8}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry_nodes"].queryset = IndustryNode.objects.select_related("chain")  # labels name the chain


class MemberAddForm(forms.Form):
    user = forms.CharField(label=_("Username or email"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    title = forms.CharField(label=_("Job title"), max_length=100, required=False)


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(label=_("Organisation type"), required=False, choices=[("", _("All types"))] + Organisation.Kind.choices)
    region = forms.ModelChoiceField(label=_("Region"), required=False, queryset=Region.objects.filter(parent=None),
                                    empty_label=_("All regions"))
    chain = forms.ModelChoiceField(label=_("Industry chain"), required=False, queryset=IndustryChain.objects.all(),
                                   empty_label=_("All chains"))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel (.xlsx) or CSV file"))


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class SignConfirmForm(forms.Form):
    """Signing takes an explicit statement that the signer read what is signed (shown on the same page)."""

    confirm = forms.BooleanField(
        label=_("I have read the decision above and approve it for my side."),
        error_messages={"required": _("Tick the box to confirm you have read the decision before signing.")},
    )


class NotificationPreferencesForm(forms.Form):
    """The language notifications and e-mails are written in, and one delivery choice per registered event."""

    LANGUAGE = "language"

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[self.LANGUAGE] = forms.ChoiceField(
            label=_("Language of notifications and e-mails"), choices=settings.LANGUAGES, required=False,
            initial=user.language,
        )
        current = dict(NotificationPreference.objects.filter(user=user).values_list("event", "delivery"))
        for code, label in sorted(EVENT_TYPES.items()):
            self.fields[code] = forms.ChoiceField(
                label=label, choices=NotificationPreference.Delivery.choices, required=False,
                initial=current.get(code, NotificationPreference.Delivery.IMMEDIATE),
            )
