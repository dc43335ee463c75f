"""Bid files are checked by the platform's one upload checker, ``core.uploads``; this name
stays for the callers in procurement (``uploads.check(name, data)``)."""

from core.uploads import KINDS, check, detect

__all__ = ["KINDS", "check", "detect"]
