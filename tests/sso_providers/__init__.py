"""Real single sign-on providers for the SSO tests, each a separate Django process.

`oidc_settings` runs django-oidc-provider (an OpenID Connect provider) and `cas_settings`
django-mama-cas (a CAS server), each on its own SQLite file and a loopback port; `run.py`
migrates, creates the test identity and serves. See tests/platform_tests/test_sso_*.py.
"""
