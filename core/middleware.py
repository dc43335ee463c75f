"""The API answers in JSON, always.

Django answers some requests before any DRF view sees them — a path that matches no URL,
a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``, an uncaught error — with its HTML pages.
Under ``/api/`` this middleware replaces such an answer with the API's own shape,
``{"code", "detail"}``, translated, keeping the status."""

from django.http import JsonResponse

from .apis import error_body

API_PREFIX = "/api/"


class ApiJsonErrorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(API_PREFIX) and response.status_code >= 400 and \
                not response.get("Content-Type", "").startswith("application/json"):
            json = JsonResponse(error_body(response.status_code), status=response.status_code,
                                json_dumps_params={"ensure_ascii": False})
            for header in ("Allow", "Retry-After", "Content-Language", "Vary"):
                if header in response:
                    json[header] = response[header]
            return json
        return response
