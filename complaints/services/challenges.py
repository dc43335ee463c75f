"""Services of the challenges part of the complaints app."""

ACTIONS: dict = {}
