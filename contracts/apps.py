from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = _("Contracts and payment")

    def ready(self):
        from audit.actions import register_actions
        from deadlines.links import register_task_url
        from notifications.categories import register_category
        from procurement.models import Award

        from . import receivers
        from .links import award_task, contract_task
        from .models import Acceptance, Contract, Invoice

        # The ledger row of each award, once procurement has committed it; the unsigned
        # contract of a revoked award voided.
        receivers.connect()
        # An award whose contract both parties signed is no longer revoked (procurement).
        from procurement.revocations import register_revocation_check

        from .services.signing import signed_by_both

        register_revocation_check(signed_by_both)

        # Where the people on a contract clock go to act on it.
        register_task_url(Award, award_task)
        for model in (Contract, Acceptance, Invoice):
            register_task_url(model, contract_task)

        register_category("contracts.contract", _("Contracts you are a party to"),
                          statutory=True)
        register_category("contracts.payment", _("Acceptance, invoices and payments"),
                          statutory=True)
        register_actions({
            "contract.draft": _("Contract drafted"),
            "contract.draft_refused": _("Contract draft refused"),
            "contract.sign": _("Contract signed by one party"),
            "contract.suspend": _("Signing suspended pending a challenge"),
            "contract.resume": _("Signing resumed"),
            "contract.void": _("Unsigned contract void: the award was revoked"),
            "contract.void_refused": _("Voiding of a contract refused"),
            "contract.publish": _("Contract published"),
            "contract.file": _("Contract filed (备案)"),
            "contract.milestone": _("Delivery milestone recorded"),
            "contract.supplement": _("Supplementary contract"),
            "acceptance.request": _("Acceptance requested"),
            "acceptance.record": _("Acceptance recorded"),
            "invoice.submit": _("Invoice submitted"),
            "payment.record": _("Payment recorded"),
            "payment.refused": _("Payment refused"),
            # Refusals recorded by the services themselves (core.refusals).
            "contract.sign_refused": _("Contract signature refused"),
            "contract.signing_suspend_refused": _("Suspension of signing refused"),
            "contract.signing_resume_refused": _("Resumption of signing refused"),
            "contract.publish_refused": _("Contract publication refused"),
            "contract.file_refused": _("Contract filing refused"),
            "milestone.done_refused": _("Delivery milestone refused"),
            "acceptance.request_refused": _("Acceptance request refused"),
            "acceptance.record_refused": _("Acceptance record refused"),
            "invoice.submit_refused": _("Invoice refused"),
            "supplement.propose_refused": _("Supplementary contract refused"),
            "supplement.confirm_refused": _("Confirmation of a supplementary contract "
                                            "refused"),
        })
