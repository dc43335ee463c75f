"""The procurement API: every step of the browser flow, through the same services.

One ``APIView`` per operation, each with its own nested ``InputSerializer`` and
``OutputSerializer`` and a short handler that reads the object through a selector
(outsiders get 404), validates the input, calls one service and serializes the
result — the shape of the HackSoft Django-Styleguide-Example. The routes are in
``procurement.api_urls``. A service's refusal is recorded by the service itself
(``core.refusals``) and answered by ``core.apis.exception_handler``.

- ``budgets``: budget lines and procurement intentions;
- ``demands``: demands, their fair-competition findings;
- ``projects``: projects and their steps (submit, approve, return, cancel,
  re-tender, assistant);
- ``notices``: the tender announcement and clarifications, the public notices;
- ``bidding``: documents, sealed bids, the bidder's own bids, the opening table;
- ``evaluation``: the committee, reviews, scores, the report, the award, a bidder's
  result;
- ``queries``: questions to bidders (87号令 第51、59、60条).
"""
