"""Demo data of this app (called by `manage.py load_demo` with the core's DemoContext)."""


def load(ctx) -> None:
    """Filled in by the issue that builds this app."""
