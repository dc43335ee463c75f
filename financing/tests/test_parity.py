"""Every keyword a financing service takes from a person is reachable from its form and
from its API input: neither caller can do less than the other."""

import inspect

import pytest

from financing import apis, forms, services

# Given by the caller, not typed by the person: who acts, for whom, on what, when, from where.
CONTEXT = {"actor", "now", "ip", "bank", "supplier", "contract", "application", "repayment"}

# service → (form, names the view maps, API input serializer, names the API maps)
CASES = {
    services.financing_offer_save: (forms.OfferForm, {"offer": "the offer edited"},
                                    apis.OfferListApi.InputSerializer,
                                    {"offer": "the offer in the URL"}),
    services.financing_apply: (forms.ApplyForm, {}, apis.ApplicationListApi.InputSerializer, {}),
    services.financing_decide: (forms.DecideForm, {"approved": "decision"},
                                apis.ApplicationDecideApi.InputSerializer, {}),
    services.financing_disburse: (forms.DisburseForm, {"at": "disbursed_on",
                                                       "schedule": "ScheduleFormSet"},
                                  apis.ApplicationDisburseApi.InputSerializer, {}),
    services.financing_rate: (forms.RateForm, {}, apis.ApplicationRateApi.InputSerializer, {}),
}


def keywords(service) -> set[str]:
    return set(inspect.signature(service).parameters) - CONTEXT


def form_fields(form_class) -> set[str]:
    return set(form_class.base_fields)


@pytest.mark.parametrize("service", CASES, ids=lambda s: s.__name__)
def test_every_keyword_of_the_service_is_in_its_form_and_its_api(service):
    form, form_mapped, serializer, api_mapped = CASES[service]
    wanted = keywords(service)
    assert wanted - form_fields(form) - set(form_mapped) == set(), form
    assert wanted - set(serializer().fields) - set(api_mapped) == set(), serializer
