"""The way in: password reset, invitations, self-registration with approval, single sign-on.

Business rules in `services` (writes) and `selectors` (reads); pages in `views`, API in `api`;
`sso` holds the CAS and OIDC authentication backends; `middleware` keeps users whose
membership is still waiting for approval on the waiting page.
"""
