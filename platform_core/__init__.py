"""The platform core: organisations, people, roles, taxonomies, audit, notifications, sign-off.

Named `platform_core` because a top-level package called `platform` would shadow the
standard-library module of that name; its app label is still `platform`.
"""
