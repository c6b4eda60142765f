"""The caller's notifications through the API, under /api/v1/me/notifications/:
newest first, by cursor; the text in the request's language (both kept); mark
read, some or all."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from lianghui.api.read.pagination import decode_cursor, limit_of, next_link
from lianghui.api.write.inputs import StrictInput

from . import selectors, services
from .enums import Kind
from .tasks import link_of


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Kind.choices, help_text=Kind.help_text())
    proposal = serializers.CharField(source="proposal.key", help_text="The proposal's key.")
    event = serializers.CharField(help_text="The event it comes from (audit:<entry id>).")
    text = serializers.CharField(
        help_text="What happened and what comes next, in the request's language."
    )
    text_zh = serializers.CharField()
    text_en = serializers.CharField()
    params = serializers.JSONField(help_text="The facts the text was made from.")
    link = serializers.SerializerMethodField(help_text="The page to act on it.")
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)

    def get_link(self, obj) -> str:
        return link_of(obj)


class NotificationPage(serializers.Serializer):
    unread = serializers.IntegerField(help_text="How many of the caller's are unread.")
    next = serializers.URLField(allow_null=True)
    results = NotificationSerializer(many=True)


class ReadInput(StrictInput):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=500,
        help_text="The notifications to mark read; leave out to mark all.",
    )


class ReadResult(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many were unread and are now read.")
    unread = serializers.IntegerField(help_text="How many of the caller's remain unread.")


class NotificationsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="My notifications",
        description="Newest first. Each says what happened to a proposal of yours "
        "(or assigned to your agency, or of your body) and what comes next.",
        parameters=[
            OpenApiParameter("cursor", str, description="From the previous page's next."),
            OpenApiParameter("limit", int, description="Rows per page (1 to 500, 50)."),
        ],
        responses={200: NotificationPage},
        tags=["me"],
    )
    def get(self, request):
        rows = selectors.notifications_of(user=request.user).order_by("-id")
        cursor = request.query_params.get("cursor")
        if cursor:
            (before,) = decode_cursor(cursor, [int])
            rows = rows.filter(pk__lt=before)
        limit = limit_of(request)
        page = list(rows[: limit + 1])
        more = len(page) > limit
        page = page[:limit]
        return Response(
            {
                "unread": selectors.unread_count(user=request.user),
                "next": next_link(request, [page[-1].pk]) if more else None,
                "results": NotificationSerializer(page, many=True).data,
            }
        )


class ReadView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Mark my notifications read",
        request=ReadInput,
        responses={200: ReadResult},
        tags=["me"],
    )
    def post(self, request):
        serializer = ReadInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        marked = services.notification_mark_read(
            user=request.user, ids=serializer.validated_data.get("ids")
        )
        return Response({"marked": marked, "unread": selectors.unread_count(user=request.user)})
