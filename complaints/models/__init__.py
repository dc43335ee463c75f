from .challenge import Challenge, ChallengeMessage, Inquiry, Objection
from .common import Evidence
from .complaint import (
    Complaint,
    ComplaintPause,
    Mediation,
    MediationOpinion,
    MediationSession,
)
from .credit import (
    BadBehaviourListing,
    CreditGrade,
    CreditRecord,
    CreditRepair,
    Penalty,
    SpotCheck,
    SpotCheckDraw,
)

__all__ = [
    "BadBehaviourListing", "Challenge", "ChallengeMessage", "Complaint", "ComplaintPause",
    "CreditGrade", "CreditRecord", "CreditRepair", "Evidence", "Inquiry", "Mediation",
    "MediationOpinion", "MediationSession", "Objection", "Penalty", "SpotCheck",
    "SpotCheckDraw",
]
