"""PDF documents in Chinese, rendered by WeasyPrint with the Noto Sans CJK SC font."""

from django.template.loader import render_to_string
from weasyprint import HTML


def render_pdf(template: str, context: dict) -> bytes:
    return HTML(string=render_to_string(template, context)).write_pdf()
