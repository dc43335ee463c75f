"""Contract pages: the list, the ledger, drafting, the contract's page and one POST view
per step on it.

Both parties and supervision see a contract; outsiders get 404. Every step calls its
service; a refusal is shown next to its form, with its basis and what was typed (400),
and recorded by the service itself (``core.refusals``)."""

from .contract import contract_detail, contract_pdf, contract_public_pdf, invoice_file
from .drafting import contract_draft
from .lists import contract_list, ledger
from .steps import (
    acceptance_record,
    acceptance_request,
    file,
    invoice_submit,
    milestone_done,
    payment_record,
    publish,
    resume,
    sign,
    supplement_confirm,
    supplement_propose,
    suspend,
)

__all__ = [
    "acceptance_record",
    "acceptance_request",
    "contract_detail",
    "contract_draft",
    "contract_list",
    "contract_pdf",
    "contract_public_pdf",
    "file",
    "invoice_file",
    "invoice_submit",
    "ledger",
    "milestone_done",
    "payment_record",
    "publish",
    "resume",
    "sign",
    "supplement_confirm",
    "supplement_propose",
    "suspend",
]
