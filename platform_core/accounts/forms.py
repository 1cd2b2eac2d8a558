import logging

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ..autocomplete import AutocompleteSelect, autocomplete_field
from ..models import Organisation, Region, Role
from . import mail, throttle

log = logging.getLogger(__name__)


class ThrottledPasswordResetForm(PasswordResetForm):
    """Django's reset form; the mail is ours (recipient's language, SITE_URL links) and at most
    ACCOUNT_MAILS_PER_ADDRESS_PER_HOUR go to one address, so the form cannot flood a mailbox."""

    def save(self, **kwargs):
        email = self.cleaned_data["email"]
        for user in self.get_users(email):
            if not throttle.consume("reset-mail", user.email, limit=settings.ACCOUNT_MAILS_PER_ADDRESS_PER_HOUR):
                log.info("password reset mail to user %s not sent: hourly limit reached", user.pk)
                continue
            uid = urlsafe_base64_encode(force_bytes(user.pk))
            url = mail.site_url(reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(user)]))
            mail.send_account_mail(template="password_reset", to=user.email, language=mail.user_language(user),
                                   context={"user": user, "url": url})


class PasswordFields(forms.Form):
    password1 = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Password again"), strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        return data


class AccountFields(PasswordFields):
    username = forms.CharField(label=_("Username"), max_length=150,
                               help_text=_("Letters, digits and @ . + - _ only; used to sign in."),
                               validators=[get_user_model().username_validator])
    display_name = forms.CharField(label=_("Your name"), max_length=100)
    field_order = ["username", "display_name", "email", "password1", "password2"]


class InvitationAcceptForm(AccountFields):
    pass


class PublicAutocompleteSelect(AutocompleteSelect):
    """The core's organisation search, for the registration page (no session yet)."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-autocomplete"] = reverse("accounts:organisation-search")
        return context


class RegistrationForm(AccountFields):
    JOIN, CREATE = "join", "create"

    email = forms.EmailField(label=_("E-mail"), help_text=_("We send a link to verify it."))
    mode = forms.ChoiceField(label=_("I want to"), widget=forms.RadioSelect, initial=JOIN, choices=[
        (JOIN, _("join an organisation already on the platform")),
        (CREATE, _("register a new organisation (verified by the platform)")),
    ])
    role = forms.ChoiceField(label=_("My role"), required=False,
                             choices=[("", "—")] + [c for c in Role.choices if c[0] != Role.ORG_ADMIN])
    message = forms.CharField(label=_("Message to the organisation's administrator"), max_length=300,
                              required=False)
    kind = forms.ChoiceField(label=_("Organisation type"), required=False,
                             choices=[("", "—")] + Organisation.Kind.choices)
    name_zh = forms.CharField(label=_("Organisation name (Chinese)"), max_length=200, required=False)
    name_en = forms.CharField(label=_("Organisation name (English)"), max_length=200, required=False)
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=18, required=False,
                                  help_text=_("18 characters, checked with its check digit (GB 32100-2015)."))
    region = forms.ModelChoiceField(label=_("Region"), required=False, queryset=Region.objects.filter(parent=None),
                                    empty_label="—")

    field_order = ["username", "display_name", "email", "password1", "password2", "mode", "organisation", "role",
                   "message", "kind", "name_zh", "name_en", "credit_code", "region"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = autocomplete_field(
            "organisations", user=AnonymousUser(), label=_("Organisation"), required=False,
        )
        self.fields["organisation"].widget = PublicAutocompleteSelect("organisations")
        self.fields["organisation"].widget.choices = self.fields["organisation"].choices
        self.order_fields(self.field_order)

    def clean(self):
        data = super().clean()
        if data.get("mode") == self.JOIN:
            if not data.get("organisation"):
                self.add_error("organisation", _("Choose the organisation you want to join."))
            if not data.get("role"):
                self.add_error("role", _("Choose the role you ask for."))
        elif data.get("mode") == self.CREATE:
            for name in ("kind", "name_zh", "credit_code"):
                if not data.get(name):
                    self.add_error(name, _("Required when you register a new organisation."))
        return data


class JoinRequestForm(forms.Form):
    """A signed-in user without (or refused by) an organisation asks to join one."""

    role = forms.ChoiceField(label=_("My role"),
                             choices=[c for c in Role.choices if c[0] != Role.ORG_ADMIN])
    message = forms.CharField(label=_("Message to the organisation's administrator"), max_length=300,
                              required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = autocomplete_field("organisations", user=user, label=_("Organisation"))
        self.order_fields(["organisation", "role", "message"])


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"))
    language = forms.ChoiceField(label=_("Language of the e-mail"), choices=settings.LANGUAGES)

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r, Role(r).label) for r in roles]
        self.fields["language"].initial = (get_language() or settings.LANGUAGE_CODE)


class ApproveForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r, Role(r).label) for r in roles]


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class ApiTokenForm(forms.Form):
    days = forms.TypedChoiceField(label=_("Valid for"), coerce=int, choices=[
        (7, _("7 days")), (30, _("30 days")), (90, _("90 days")), (365, _("1 year"))], initial=30)
