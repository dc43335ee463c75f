from .drafting import SECRET_FIELDS, contract_draft, render_contract
from .ledger import ledger_row_open
from .payments import collection_account, invoice_submit, late_interest, payment_record
from .performance import (
    acceptance_record,
    acceptance_request,
    milestone_done,
    supplement_confirm,
    supplement_propose,
)
from .signing import (
    contract_file,
    contract_publish,
    contract_sign,
    contract_signing_resume,
    contract_signing_suspend,
    contract_void,
    public_fields,
)

__all__ = [
    "SECRET_FIELDS",
    "acceptance_record",
    "acceptance_request",
    "collection_account",
    "contract_draft",
    "contract_file",
    "contract_publish",
    "contract_sign",
    "contract_signing_resume",
    "contract_signing_suspend",
    "contract_void",
    "invoice_submit",
    "late_interest",
    "ledger_row_open",
    "milestone_done",
    "payment_record",
    "public_fields",
    "render_contract",
    "supplement_confirm",
    "supplement_propose",
]
