from .accounts import User
from .audit import AuditEvent
from .imports import ImportRun
from .notifications import Notification, NotificationPreference
from .organisations import Membership, Organisation, Role
from .runs import ChunkedRun, RunChunk
from .registration import ExternalIdentity, Invitation, MembershipRequest, OrganisationApplication, RateLimitHit
from .signoff import SignoffParty, SignoffRequest, Signature
from .taxonomy import IndustryChain, IndustryNode, Region, TechField

__all__ = [
    "AuditEvent",
    "ChunkedRun",
    "RunChunk",
    "ExternalIdentity",
    "Invitation",
    "MembershipRequest",
    "OrganisationApplication",
    "RateLimitHit",
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
