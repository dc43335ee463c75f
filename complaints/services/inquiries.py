"""Services of the inquiries part of the complaints app."""

ACTIONS: dict = {}
