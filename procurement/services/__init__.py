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
    project_cancel,
    project_create,
    project_return,
    project_submit,
)

__all__ = [
    "Upload",
    "announcement_clarify",
    "award_confirm",
    "bid_review",
    "bid_submit",
    "bid_withdraw",
    "budget_line_create",
    "committee_draw",
    "committee_size",
    "demand_check",
    "demand_create",
    "demand_override_finding",
    "demand_update",
    "documents_obtain",
    "eligible_experts",
    "evaluation_complete",
    "intention_publish",
    "lot_open",
    "lots_open_due",
    "opening_table",
    "project_announce",
    "project_approve",
    "project_cancel",
    "project_create",
    "project_open_due",
    "project_return",
    "project_submit",
    "score_submit",
]
