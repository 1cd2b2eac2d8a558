"""Account e-mails, written in the recipient's language and linking to settings.SITE_URL."""
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def site_url(path: str = "") -> str:
    return settings.SITE_URL.rstrip("/") + path


def user_language(user) -> str:
    """The user's chosen language when the user model has one, else the platform's."""
    language = getattr(user, "language", "") if user is not None else ""
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def send_account_mail(*, template: str, to: str, context: dict, language: str) -> None:
    """Render accounts/email/<template>_subject.txt and .txt in `language` and send, with an HTML
    alternative (the same text, its link as a button)."""
    with translation.override(language):
        context = {**context, "site_url": site_url(), "platform_name": settings.PLATFORM_NAME}
        subject = "".join(render_to_string(f"accounts/email/{template}_subject.txt", context).splitlines())
        body = render_to_string(f"accounts/email/{template}.txt", context)
        html = render_to_string("accounts/email/layout.html", {**context, "body": body})
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    message.send()
