"""Bulk downloads: the list of dumps and their files, streamed from disk with
an ETag (the file's SHA-256 from the manifest)."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpResponseNotModified
from django.urls import reverse
from django.utils.http import parse_etags
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers as s
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from lianghui.api.bulk import dumps
from lianghui.api.read.views import ConditionalMixin

CONTENT_TYPES = {
    "jsonl": "application/x-ndjson; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}


class BulkFileSerializer(s.Serializer):
    name = s.CharField(help_text="File name.")
    url = s.URLField(help_text="Where to download it.")
    format = s.ChoiceField(choices=["jsonl", "csv"], help_text="jsonl or csv.")
    table = s.CharField(required=False, help_text="CSV: the table it holds.")
    columns = s.ListField(child=s.CharField(), required=False, help_text="CSV: its columns.")
    rows = s.IntegerField(help_text="Records (JSON Lines) or data rows (CSV).")
    bytes = s.IntegerField(help_text="Size in bytes.")
    sha256 = s.CharField(help_text="SHA-256 of the file, hex.")


class BulkDumpSerializer(s.Serializer):
    dump = s.CharField(help_text="The dump's name: reference, regulations or a session key.")
    session = s.CharField(required=False, help_text="The session's key (session dumps).")
    body = s.CharField(required=False, help_text="The body's key (session dumps).")
    schema_version = s.CharField(help_text="Version of the dump format (docs/bulk-data.md).")
    generated_at = s.DateTimeField(help_text="When the dump was built (UTC).")
    manifest = s.URLField(help_text="The dump's manifest.json.")
    files = BulkFileSerializer(many=True, help_text="The dump's files.")


class BulkIndexSerializer(s.Serializer):
    dumps = BulkDumpSerializer(many=True, help_text="Every dump on this server.")


def _file_url(request, dump: str, name: str) -> str:
    return request.build_absolute_uri(reverse("api:bulk-file", args=[dump, name]))


class BulkIndexView(ConditionalMixin, APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="bulk_list",
        summary="Bulk downloads",
        description="Every dump: per session, reference data and regulations, each with "
        "a manifest and its JSON Lines and CSV files. See docs/bulk-data.md.",
        responses=BulkIndexSerializer,
    )
    def get(self, request):
        out = []
        for manifest in dumps.manifests():
            name = manifest["dump"]
            files = [f | {"url": _file_url(request, name, f["name"])} for f in manifest["files"]]
            out.append(
                manifest | {"files": files, "manifest": _file_url(request, name, dumps.MANIFEST)}
            )
        return Response(BulkIndexSerializer({"dumps": out}).data)


class BulkFileView(APIView):
    permission_classes = [AllowAny]

    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        operation_id="bulk_file",
        summary="One file of a dump",
        description="Streams a dump's file (or its manifest.json). ETag is the file's SHA-256.",
        responses={
            (200, "application/x-ndjson"): OpenApiResponse(OpenApiTypes.BINARY),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY),
            (200, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT),
        },
    )
    def get(self, request, dump: str, name: str):
        manifest = dumps.manifest(dump)
        if manifest is None:
            raise Http404
        path = dumps.dumps_dir() / dump / name
        if name == dumps.MANIFEST:
            etag, content_type = None, "application/json"
        else:
            entry = next((f for f in manifest["files"] if f["name"] == name), None)
            if entry is None:
                raise Http404
            etag, content_type = f'"{entry["sha256"]}"', CONTENT_TYPES[entry["format"]]
        if etag and etag in parse_etags(request.headers.get("If-None-Match", "")):
            response = HttpResponseNotModified()
            response["ETag"] = etag
            return response
        try:
            handle = open(path, "rb")  # noqa: SIM115 (FileResponse closes it)
        except OSError:
            raise Http404 from None
        response = FileResponse(handle, content_type=content_type)
        if etag:
            response["ETag"] = etag
        response["Cache-Control"] = "public, max-age=300"
        response["Content-Disposition"] = f'attachment; filename="{dump}-{name}"'
        return response
