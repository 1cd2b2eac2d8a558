"""Home-page cards of shared talent: the dual-mentor assignment (双导师) and the platform's 一共享 figures."""
from platform_core.models import Role
from platform_core.permissions import member_organisation_ids

from . import selectors


def is_student_or_mentor(user) -> bool:
    return bool(member_organisation_ids(user, Role.STUDENT, Role.MENTOR))


def dual_mentor_panel(request) -> dict:
    user = request.user
    assignments = selectors.my_assignments(user).order_by("status", "expected_graduation")
    return {"assignments": list(assignments[:4]), "me": user}


def sharing_figures_panel(request) -> dict:
    return selectors.talent_counts()
