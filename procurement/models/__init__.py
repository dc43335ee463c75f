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
from .method import Invitation
from .project import Announcement, Lot, Project
from .single_source import Objection, SingleSource, SingleSourceNegotiation, SingleSourceSignature

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
    "DocumentDownload",
    "EvaluationCriterion",
    "EvaluationResult",
    "FairnessFinding",
    "FairnessPattern",
    "Invitation",
    "Lot",
    "MethodApproval",
    "MethodAttachment",
    "Objection",
    "ProcurementIntention",
    "Project",
    "Review",
    "Score",
    "SingleSource",
    "SingleSourceNegotiation",
    "SingleSourceSignature",
    "Threshold",
]
