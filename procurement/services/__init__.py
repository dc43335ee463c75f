from .approvals import method_approval_decide, method_attachment_add
from .award import award_confirm
from .bidding import Upload, bid_submit, bid_withdraw, documents_obtain
from .budgets import budget_line_create, intention_publish
from .demands import demand_check, demand_create, demand_override_finding, demand_update
from .evaluation import (
    bid_review,
    committee_draw,
    committee_size,
    eligible_experts,
    evaluation_complete,
    score_submit,
)
from .opening import lot_open, lots_open_due, opening_table, project_open_due
from .projects import (
    announcement_clarify,
    project_announce,
    project_approve,
    project_assign_assistant,
    project_cancel,
    project_create,
    project_retender,
    project_return,
    project_submit,
)
from .queries import (
    abnormally_low_bids,
    bid_query_answer,
    bid_query_decide,
    correction_of,
    explanation_request,
)
from .single_source import (
    objection_decide,
    objection_file,
    single_source_negotiate,
    single_source_sign,
)

__all__ = [
    "Upload",
    "abnormally_low_bids",
    "announcement_clarify",
    "award_confirm",
    "bid_query_answer",
    "bid_query_decide",
    "bid_review",
    "bid_submit",
    "bid_withdraw",
    "budget_line_create",
    "committee_draw",
    "committee_size",
    "correction_of",
    "demand_check",
    "demand_create",
    "demand_override_finding",
    "demand_update",
    "documents_obtain",
    "eligible_experts",
    "evaluation_complete",
    "explanation_request",
    "intention_publish",
    "lot_open",
    "lots_open_due",
    "method_approval_decide",
    "method_attachment_add",
    "objection_decide",
    "objection_file",
    "opening_table",
    "project_announce",
    "project_approve",
    "project_assign_assistant",
    "project_cancel",
    "project_create",
    "project_open_due",
    "project_retender",
    "project_return",
    "project_submit",
    "score_submit",
    "single_source_negotiate",
    "single_source_sign",
]
