from django.shortcuts import render

from .anchor import checkpoints_recent, key_fingerprint, public_key_b64

PUBLISHED = 50


def anchor_list(request):
    """The latest signed checkpoints of the audit chain: public, so that anyone
    can keep a copy the platform's operators cannot take back. Read from the
    files, never from the table, which is what they guard."""
    return render(request, "audit/anchor_list.html", {
        "checkpoints": checkpoints_recent(limit=PUBLISHED),
        "public_key": public_key_b64(), "fingerprint": key_fingerprint()})
