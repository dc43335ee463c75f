"""Services of the credit part of the complaints app."""

ACTIONS: dict = {}
