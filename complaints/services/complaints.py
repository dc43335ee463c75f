"""Services of the complaints part of the complaints app."""

ACTIONS: dict = {}
