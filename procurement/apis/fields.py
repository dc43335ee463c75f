"""Serializer fields of the procurement API."""

import json

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.utils import html


def _json_part(field, data):
    """A structured value sent inside a multipart request arrives as the text of its part:
    OpenAPI 3 encodes an object or array part as ``application/json`` by default, and so
    do the Swagger UI and generated clients. A JSON body brings the value itself."""
    if isinstance(data, str):
        if not data.strip():
            return None
        try:
            return json.loads(data)
        except ValueError:
            raise serializers.ValidationError(
                _("Send this part as JSON (multipart: one part, content type "
                  "application/json)."), code="invalid") from None
    return data


class JSONPartList(serializers.ListSerializer):
    """A list of objects that may come as one JSON-encoded multipart part."""

    def get_value(self, dictionary):
        if html.is_html_input(dictionary):
            return dictionary.get(self.field_name, empty)
        return super().get_value(dictionary)

    def to_internal_value(self, data):
        data = _json_part(self, data)
        return [] if data is None else super().to_internal_value(data)


class JSONPartDict(serializers.DictField):
    """An object (name → value) that may come as one JSON-encoded multipart part."""

    def get_value(self, dictionary):
        if html.is_html_input(dictionary):
            return dictionary.get(self.field_name, empty)
        return super().get_value(dictionary)

    def to_internal_value(self, data):
        data = _json_part(self, data)
        return {} if data is None else super().to_internal_value(data)
