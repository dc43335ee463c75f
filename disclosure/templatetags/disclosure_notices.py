"""What a notice's page links to on the portal: its publication (print view and PDF) and
the changes its clarifications made."""

from django import template

from procurement.models import Announcement

register = template.Library()


@register.simple_tag
def publication_for(record):
    """The record's publication, or None (not public, or not indexed yet)."""
    from ..views.notices import publication_of

    return publication_of(record) if record is not None else None


@register.simple_tag
def clarification_count(notice):
    """How many clarifications amend the notice's project (for a tender's page)."""
    return notice.project.announcements.filter(kind=Announcement.Kind.CLARIFICATION).count()
