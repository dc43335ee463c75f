"""Contract pages: both parties and supervision; outsiders get 404."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from .selectors import contracts_visible_to


@login_required
def contract_detail(request, pk):
    contract = get_object_or_404(contracts_visible_to(organization=request.organization), pk=pk)
    return render(request, "contracts/contract_detail.html", {"contract": contract})
