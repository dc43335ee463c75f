"""The pages where the people on a contract clock act (registered with
``deadlines.links`` in ``apps.py``)."""

from django.urls import reverse

from accounts.permissions import has_role

from .models import Contract


def award_task(award, user) -> str:
    """Signing: the contract once drafted; before that the purchaser drafts it and the
    winner waits on its contract list."""
    contract = Contract.objects.filter(award=award).first()
    if contract is not None:
        return contract.get_absolute_url()
    if has_role(user, award.lot.project.purchaser):
        return reverse("contracts:draft", args=[award.pk])
    return reverse("contracts:list")


def contract_task(subject, user) -> str:
    """Publication, filing, acceptance and payment are done on the contract's page."""
    contract = subject if isinstance(subject, Contract) else subject.contract
    return contract.get_absolute_url()
