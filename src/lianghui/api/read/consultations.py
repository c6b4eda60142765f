"""Consultations and their comments in the API: reads (public comments only:
an unpublished comment never leaves the moderation queue, a withdrawn one is
gone) and the comment writes of signed-in callers (tokens, Idempotency-Key)."""

from __future__ import annotations

import django_filters as df
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers as s
from rest_framework import status

from lianghui.accounts import permissions as perms
from lianghui.api.read.views import ReadViewSet
from lianghui.api.write import inputs
from lianghui.api.write.views import WriteView, _documented
from lianghui.consultations import selectors, services
from lianghui.consultations.enums import Capacity
from lianghui.consultations.models import Comment, Consultation

# --- serializers ---------------------------------------------------------------------------


class ThemeOut(s.Serializer):
    label_zh = s.CharField()
    label_en = s.CharField()
    keywords = s.ListField(child=s.CharField())
    comments = s.IntegerField(help_text="Published comments in the theme.")
    labour = s.IntegerField(help_text="Of which from workers and trade unions.")
    by_capacity = s.DictField(child=s.IntegerField())


class ResponseChangeOut(s.Serializer):
    draft_provision = s.CharField(allow_null=True)
    final_provision = s.CharField(allow_null=True)
    text_zh = s.CharField()
    text_en = s.CharField()
    comments = s.ListField(child=s.IntegerField(), help_text="Ids of the comments cited.")


class ResponseOut(s.Serializer):
    published_at = s.DateTimeField()
    summary_zh = s.CharField()
    summary_en = s.CharField()
    changes = ResponseChangeOut(many=True)


class ConsultationSerializer(s.Serializer):
    key = s.CharField()
    regulation = s.CharField(source="version.regulation.key")
    version = s.CharField(source="version.kind")
    title_zh = s.CharField()
    title_en = s.CharField()
    opens_on = s.DateField()
    closes_on = s.DateField()
    closed_at = s.DateTimeField(allow_null=True)
    is_open = s.SerializerMethodField()
    run_by = s.CharField(source="run_by.key")
    use_of_comments_zh = s.CharField()
    use_of_comments_en = s.CharField()
    published_comments = s.IntegerField(source="published")
    generated = s.BooleanField()
    url = s.CharField(source="get_absolute_url")

    def get_is_open(self, obj) -> bool:
        return obj.is_open()


class ProvisionOut(s.Serializer):
    id = s.IntegerField(help_text="What a comment's provision names.")
    number = s.CharField()
    heading_zh = s.CharField()
    heading_en = s.CharField()


class ConsultationDetailSerializer(ConsultationSerializer):
    provisions = s.SerializerMethodField()
    themes = s.SerializerMethodField()
    response = s.SerializerMethodField()

    def get_provisions(self, obj) -> list[dict]:
        return ProvisionOut(selectors.provisions_of(obj), many=True).data

    def get_themes(self, obj) -> list[dict]:
        return ThemeOut(
            [
                {
                    "label_zh": v.theme.label_zh,
                    "label_en": v.theme.label_en,
                    "keywords": v.theme.keywords,
                    "comments": v.total,
                    "labour": v.labour,
                    "by_capacity": {value: n for value, _label, n in v.by_capacity},
                }
                for v in selectors.themes_of(consultation=obj)
            ],
            many=True,
        ).data

    def get_response(self, obj) -> dict | None:
        response = selectors.response_of(obj)
        if response is None:
            return None
        return ResponseOut(
            {
                "published_at": response.published_at,
                "summary_zh": response.summary_zh,
                "summary_en": response.summary_en,
                "changes": [
                    {
                        "draft_provision": ch.draft_provision.number
                        if ch.draft_provision
                        else None,
                        "final_provision": ch.final_provision.number
                        if ch.final_provision
                        else None,
                        "text_zh": ch.text_zh,
                        "text_en": ch.text_en,
                        "comments": [c.pk for c in ch.comments.all()],
                    }
                    for ch in response.changes.all()
                ],
            }
        ).data


class CommentSerializer(s.Serializer):
    id = s.IntegerField()
    consultation = s.CharField(source="consultation.key")
    provision = s.IntegerField(source="provision_id", allow_null=True)
    provision_number = s.SerializerMethodField()
    capacity = s.ChoiceField(choices=Capacity.choices)
    organization_name = s.CharField()
    text = s.CharField()
    status = s.CharField(help_text="published for everyone; the author's own writes see theirs.")
    campaign = s.CharField(help_text="Comments with identical or near-identical texts share it.")
    created_at = s.DateTimeField()
    edited_at = s.DateTimeField(allow_null=True)
    generated = s.BooleanField()

    def get_provision_number(self, obj) -> str:
        return obj.provision.number if obj.provision else ""


# --- filters and reads ---------------------------------------------------------------------


class ConsultationFilterSet(df.FilterSet):
    regulation = df.CharFilter(max_length=160, help_text="Regulation key.")

    class Meta:
        model = Consultation
        fields: list[str] = []


class CommentFilterSet(df.FilterSet):
    consultation = df.CharFilter(max_length=160, help_text="Consultation key.")
    capacity = df.ChoiceFilter(choices=Capacity.choices, help_text="Declared capacity.")

    class Meta:
        model = Comment
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(summary="List public consultations"),
    retrieve=extend_schema(
        summary="One consultation, with its accepted themes and published response",
        responses=ConsultationDetailSerializer,
    ),
)
class ConsultationViewSet(ReadViewSet):
    serializer_class = ConsultationSerializer
    filterset_class = ConsultationFilterSet

    def get_serializer_class(self):
        return ConsultationDetailSerializer if self.action == "retrieve" else ConsultationSerializer

    def select(self, p):
        qs = selectors.consultation_list()
        if p.get("regulation"):
            qs = qs.filter(version__regulation__key=p["regulation"])
        return qs


@extend_schema_view(
    list=extend_schema(summary="List published consultation comments"),
    retrieve=extend_schema(summary="One published consultation comment, by id"),
)
class CommentViewSet(ReadViewSet):
    serializer_class = CommentSerializer
    filterset_class = CommentFilterSet
    keyset = ("id",)
    lookup_field = "pk"
    lookup_value_regex = r"[0-9]+"

    def select(self, p):
        qs = selectors.public_comment_list()
        if p.get("consultation"):
            qs = qs.filter(consultation__key=p["consultation"])
        if p.get("capacity"):
            qs = qs.filter(capacity=p["capacity"])
        return qs

    def lookup(self, key):
        return self.select({}).get(pk=int(key))


# --- writes --------------------------------------------------------------------------------


class CommentInput(inputs.StrictInput):
    capacity = inputs.StrictChoice(choices=Capacity.choices, help_text="The capacity you speak in.")
    text = inputs.StrictChar(max_length=services.MAX_COMMENT, help_text="Your comment.")
    provision = s.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Id of the article; none: whole draft.",
    )
    organization_name = inputs.text("The organization you speak for, if any.", 300)


class CommentEditInput(CommentInput):
    pass


def _comment_out(comment) -> dict:
    comment = Comment.objects.select_related("consultation", "provision").get(pk=comment.pk)
    return CommentSerializer(comment).data


def _provision(consultation, pk):
    if pk is None:
        return None
    found = [p for p in selectors.provisions_of(consultation) if p.pk == pk]
    if not found:
        raise ValidationError(
            {"provision": _("That article is not in the draft under consultation.")}
        )
    return found[0]


class CommentCreateView(WriteView):
    input_class = CommentInput

    @_documented("Comment on a consultation (signed in)", CommentInput, CommentSerializer)
    def post(self, request, **kwargs):
        return super().post(request, **kwargs)

    def target(self, request, key):
        return selectors.consultation_detail(key=key)

    def act(self, request, consultation, data):
        perms.require_commenter(request.user)
        comment = services.comment_create(
            consultation=consultation,
            author=request.user,
            capacity=data["capacity"],
            text=data["text"],
            provision=_provision(consultation, data["provision"]),
            organization_name=data["organization_name"],
        )
        return status.HTTP_201_CREATED, _comment_out(comment)


class OwnCommentView(WriteView):
    def target(self, request, key, comment):
        consultation = selectors.consultation_detail(key=key)
        try:
            mine = selectors.own_comments(consultation=consultation, user=request.user)
            return mine.get(pk=comment)
        except ObjectDoesNotExist:
            raise Http404 from None


class CommentEditView(OwnCommentView):
    input_class = CommentEditInput

    @_documented("Edit your comment while the window is open", CommentEditInput, CommentSerializer)
    def post(self, request, **kwargs):
        return super().post(request, **kwargs)

    def act(self, request, comment, data):
        comment = services.comment_edit(
            comment=comment,
            author=request.user,
            text=data["text"],
            capacity=data["capacity"],
            organization_name=data["organization_name"],
            provision=_provision(comment.consultation, data["provision"]),
        )
        return status.HTTP_200_OK, _comment_out(comment)


class CommentWithdrawView(OwnCommentView):
    @_documented("Withdraw your comment while the window is open", None, CommentSerializer)
    def post(self, request, **kwargs):
        return super().post(request, **kwargs)

    def act(self, request, comment, data):
        comment = services.comment_withdraw(comment=comment, author=request.user)
        return status.HTTP_200_OK, _comment_out(comment)
