"""``{% feed_query as query %}``: the page's query string as its feed's (the search's
parameters, without the page number), for templates/disclosure/_feed_links.html."""

from django import template

register = template.Library()

# Parameters of the page that are not part of the search.
NOT_SEARCH = ("page", "per_page", "sort")


@register.simple_tag(takes_context=True)
def feed_query(context) -> str:
    request = context.get("request")
    if request is None:
        return ""
    query = request.GET.copy()
    for name in NOT_SEARCH:
        query.pop(name, None)
    return query.urlencode()
