from .accounts import User
from .audit import AuditEvent
from .imports import ImportRun
from .notifications import Notification, NotificationPreference
from .organisations import Membership, Organisation, Role
from .signoff import SignoffParty, SignoffRequest, Signature
from .taxonomy import IndustryChain, IndustryNode, Region, TechField

__all__ = [
    "AuditEvent",
    "ImportRun",
    "IndustryChain",
    "IndustryNode",
    "Membership",
    "Notification",
    "NotificationPreference",
    "Organisation",
    "Region",
    "Role",
    "Signature",
    "SignoffParty",
    "SignoffRequest",
    "TechField",
    "User",
]
