"""Requests reach the views with text every output and database can hold."""

from __future__ import annotations

from django.http import Http404

from .text import clean_query, has_refused

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class CleanInputMiddleware:
    """Query strings and submitted forms pass through ``text.clean`` once, here, so
    no view, filter or search has to guard against a NUL (which PostgreSQL
    refuses) or another control character (which feeds and spreadsheets refuse).
    JSON bodies are cleaned by the API's parser; a path holding such characters
    names nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_refused(request.path_info):
            raise Http404
        request.GET = clean_query(request.GET)
        if request.method == "POST" and request.content_type in FORM_TYPES:
            request.POST = clean_query(request.POST)
        return self.get_response(request)
