"""Models, one module per aggregate; imported here so Alembic sees every table."""

from .audit import AuditEvent
from .blacklist import BlacklistEntry, ScreeningHit
from .concepts import Concept, ConceptTerm
from .jobs import JOB_STATUSES, Job
from .match_index import MatchAnnouncement, MatchIndexEntry, MatchIndexLog, TextModel
from .match_requests import MatchRequest
from .matches import LIVE_STATUSES, Match
from .needs import Need
from .notifications import Notification
from .offers import Offer
from .organisations import Organisation
from .regions import Pairing, Region
from .scoring import ScoringWeightSet
from .sectors import Sector
from .uploads import UPLOAD_STATES, PendingUpload
from .users import ApiToken, User, UserSession

__all__ = [
    "JOB_STATUSES",
    "LIVE_STATUSES",
    "UPLOAD_STATES",
    "ApiToken",
    "AuditEvent",
    "BlacklistEntry",
    "Concept",
    "ConceptTerm",
    "Job",
    "Match",
    "MatchAnnouncement",
    "MatchIndexEntry",
    "MatchIndexLog",
    "MatchRequest",
    "Need",
    "Notification",
    "Offer",
    "Organisation",
    "Pairing",
    "PendingUpload",
    "Region",
    "ScoringWeightSet",
    "ScreeningHit",
    "Sector",
    "TextModel",
    "User",
    "UserSession",
]
