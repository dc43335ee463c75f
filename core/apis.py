from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .exceptions import DomainError


def exception_handler(exc, context):
    """Turn a refused service call into JSON: code, translated detail, legal basis."""
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.status_code)
    return drf_exception_handler(exc, context)


def paginated(view, request, queryset, serializer_class):
    """A page of ``queryset`` in the project's pagination style (limit/offset)."""
    from rest_framework.settings import api_settings

    paginator = api_settings.DEFAULT_PAGINATION_CLASS()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)
