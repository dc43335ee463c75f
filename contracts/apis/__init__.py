"""The contracts API: every step of the contract pages, through the same services.

One ``APIView`` per operation, each with its own input serializer and a short
``post()`` that reads the contract through ``selectors.contracts_visible_to``
(outsiders get 404), calls the one service and answers with the contract as it now
stands (``ContractDetailSerializer`` over ``selectors.contract_detail``). Refusals come
back as ``{"code", "detail", "basis"?, "field"?}`` (core.apis.exception_handler) and
are recorded by the services themselves (``core.refusals``).
"""

from .drafting import ContractDraftApi
from .payments import InvoiceSubmitApi, PaymentRecordApi
from .performance import (
    AcceptanceRecordApi,
    AcceptanceRequestApi,
    MilestoneDoneApi,
    SupplementConfirmApi,
    SupplementProposeApi,
)
from .reading import ContractDetailApi, ContractListApi, LedgerApi
from .signing import (
    ContractFileApi,
    ContractPublishApi,
    ContractResumeApi,
    ContractSignApi,
    ContractSuspendApi,
)

__all__ = [
    "AcceptanceRecordApi",
    "AcceptanceRequestApi",
    "ContractDetailApi",
    "ContractDraftApi",
    "ContractFileApi",
    "ContractListApi",
    "ContractPublishApi",
    "ContractResumeApi",
    "ContractSignApi",
    "ContractSuspendApi",
    "InvoiceSubmitApi",
    "LedgerApi",
    "MilestoneDoneApi",
    "PaymentRecordApi",
    "SupplementConfirmApi",
    "SupplementProposeApi",
]
