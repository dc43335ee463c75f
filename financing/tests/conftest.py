from .fixtures import ccb, ccb_offer, icbc, offer  # noqa: F401 — fixtures for this app's tests
