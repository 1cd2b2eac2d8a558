"""How the reporting app's audit actions read (imported by the core at start-up)."""
from django.utils.translation import gettext_lazy as _

from platform_core.audit import register_action

register_action("reporting.recompute", _("%(actor)s asked for a full recompute of the reporting figures (%(target)s)"))
register_action("reporting.report_request", _("%(actor)s asked for the report %(target)s (%(format)s)"))
