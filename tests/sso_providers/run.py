"""Start one test identity provider: migrate its own SQLite file, create its identity, serve.

    python -m tests.sso_providers.run oidc|cas PORT DB_PATH
Prints "READY" once the identity exists; then runs Django's development server on 127.0.0.1:PORT.
Environment: SSO_TEST_USER, SSO_TEST_PASSWORD, SSO_TEST_EMAIL, SSO_TEST_NAME (given family),
for OIDC also SSO_CLIENT_ID, SSO_CLIENT_SECRET, SSO_REDIRECT_URI.
"""
import os
import sys


def main():
    kind, port, db_path = sys.argv[1], sys.argv[2], sys.argv[3]
    os.environ["SSO_PROVIDER_DB"] = db_path
    os.environ["SSO_PROVIDER_PORT"] = port
    os.environ["DJANGO_SETTINGS_MODULE"] = f"tests.sso_providers.{kind}_settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    from django.contrib.auth import get_user_model

    given, _, family = os.environ.get("SSO_TEST_NAME", "Test User").partition(" ")
    get_user_model().objects.create_user(
        username=os.environ["SSO_TEST_USER"], password=os.environ["SSO_TEST_PASSWORD"],
        email=os.environ.get("SSO_TEST_EMAIL", ""), first_name=given, last_name=family,
    )
    if kind == "oidc":
        from oidc_provider.models import Client, ResponseType

        call_command("creatersakey", verbosity=0)
        client = Client.objects.create(
            name="platform", client_type="confidential", client_id=os.environ["SSO_CLIENT_ID"],
            client_secret=os.environ["SSO_CLIENT_SECRET"], redirect_uris=[os.environ["SSO_REDIRECT_URI"]],
            jwt_alg="RS256", require_consent=False, scope=["openid", "email", "profile"],
        )
        client.response_types.add(ResponseType.objects.get(value="code"))
    print("READY", flush=True)
    call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, use_threading=True, verbosity=0)


if __name__ == "__main__":
    main()
