"""JSON bodies, their strings cleaned like every other input (core.text)."""

from __future__ import annotations

from rest_framework.parsers import JSONParser

from lianghui.core.text import clean_data


class CleanJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return clean_data(super().parse(stream, media_type, parser_context))
