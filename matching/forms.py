from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Direction, Match


class DecisionForm(forms.Form):
    verdict = forms.ChoiceField(label=_("verdict"), choices=[(Match.Status.ACCEPTED, _("Accept")),
                                                             (Match.Status.DISMISSED, _("Dismiss"))])
    reason = forms.CharField(label=_("reason"), required=False, max_length=2000)


class PushNoteForm(forms.Form):
    note = forms.CharField(label=_("note to the enterprise"), required=False, max_length=2000)


class MatchFilterForm(forms.Form):
    direction = forms.ChoiceField(label=_("direction"), required=False,
                                  choices=[("", _("All directions")), *Direction.choices],
                                  widget=forms.Select(attrs={"class": "form-select"}))
    status = forms.ChoiceField(label=_("status"), required=False,
                               choices=[("", _("New and accepted")), *Match.Status.choices],
                               widget=forms.Select(attrs={"class": "form-select"}))
