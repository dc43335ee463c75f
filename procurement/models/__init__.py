from .approval import MethodApproval, MethodAttachment
from .bid import Bid, BidFile, DocumentDownload
from .budget import BudgetLine, Threshold
from .demand import (
    Demand,
    DemandItem,
    EvaluationCriterion,
    FairnessFinding,
    FairnessPattern,
    ProcurementIntention,
)
from .evaluation import (
    Award,
    BidQuery,
    Committee,
    CommitteeMember,
    EvaluationResult,
    Review,
    Score,
)
from .invitation import (
    InvitationDraw,
    Prequalification,
    QualificationApplication,
    QualificationFile,
)
from .method import Invitation
from .project import Announcement, Lot, Project
from .rounds import DocumentChange, FinalQuote, Negotiation, NegotiationSession
from .single_source import (
    Objection,
    SingleSource,
    SingleSourceNegotiation,
    SingleSourceSignature,
)

__all__ = [
    "Announcement",
    "Award",
    "Bid",
    "BidFile",
    "BidQuery",
    "BudgetLine",
    "Committee",
    "CommitteeMember",
    "Demand",
    "DemandItem",
    "DocumentChange",
    "DocumentDownload",
    "EvaluationCriterion",
    "EvaluationResult",
    "FairnessFinding",
    "FairnessPattern",
    "FinalQuote",
    "Invitation",
    "InvitationDraw",
    "Lot",
    "MethodApproval",
    "MethodAttachment",
    "Negotiation",
    "NegotiationSession",
    "Objection",
    "Prequalification",
    "ProcurementIntention",
    "Project",
    "QualificationApplication",
    "QualificationFile",
    "Review",
    "Score",
    "SingleSource",
    "SingleSourceNegotiation",
    "SingleSourceSignature",
    "Threshold",
]
