"""Services of the mediation part of the complaints app."""

ACTIONS: dict = {}
