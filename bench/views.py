"""The portal's same-run baseline, mounted only by ``bench.settings`` (bench/urls.py)."""

from django.http import Http404, HttpResponse

from disclosure.models import Publication


def publication_baseline(request, pk):
    """What a portal page does less everything it is for: the same middleware, one
    indexed read of a Publication by primary key, its title returned as text."""
    row = Publication.objects.filter(pk=pk).values_list("title", flat=True).first()
    if row is None:
        raise Http404
    return HttpResponse(row, content_type="text/plain; charset=utf-8")
