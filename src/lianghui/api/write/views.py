"""Write endpoints by role. Each view: find the record among those the caller
may see (else 404), run the same permission check as the desks (else 403),
parse the body strictly (else 400), call the same service as the web (its
refusals become 400/409 in errors.py), under the request's Idempotency-Key,
all in one transaction."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from lianghui.accounts import permissions as perms
from lianghui.accounts.enums import Role
from lianghui.api.read import selectors, serializers
from lianghui.api.read.keys import NoSuchKey, Positions, nth_assignment, nth_reply_id
from lianghui.api.tokens import idempotency
from lianghui.api.tokens.throttling import WriteThrottle
from lianghui.api.write import inputs
from lianghui.proposals import services

IDEMPOTENCY = idempotency.IDEMPOTENCY_PARAMETER


def _require_role(user, *roles: str) -> None:
    if perms.role_of(user) not in roles:
        raise PermissionDenied(_("This action is not for your role."))


def proposal_out(request, proposal) -> dict:
    """The proposal as its actor now sees it, with every section."""
    qs = selectors.proposal_list(viewer=request.user)
    include = set(selectors.PROPOSAL_INCLUDES)
    proposal = selectors.with_proposal_includes(qs, include, viewer=request.user).get(
        pk=proposal.pk
    )
    keys = {a.pk: proposal.key for a in proposal.assignments.all()}
    context = {
        "request": request,
        "include": include,
        "viewer": request.user,
        "positions": Positions([proposal.pk]),
        "proposal_keys": keys,
    }
    return serializers.ProposalSerializer(proposal, context=context).data


class WriteView(APIView):
    """POST only; ``act(request, data, **kwargs)`` returns (status, body)."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [*APIView.throttle_classes, WriteThrottle]
    input_class = inputs.EmptyInput

    def post(self, request, **kwargs):
        return self.write(request, **kwargs)

    def write(self, request, **kwargs):
        def call():
            # One transaction per request: a refusal anywhere in it (a service, a
            # later step, the response) leaves nothing behind.
            with transaction.atomic():
                target = self.target(request, **kwargs)
                parsed = self.input_class(data=request.data)
                parsed.is_valid(raise_exception=True)
                code, body = self.act(request, target, parsed.validated_data)
                return Response(body, status=code)

        return idempotency.run(request, call)

    def target(self, request, **kwargs):
        return None

    def act(self, request, target, data):
        raise NotImplementedError


class ProposalActionView(WriteView):
    """Acts on one proposal the caller may see."""

    def target(self, request, key):
        return (
            selectors.visible_proposal_qs(viewer=request.user)
            .select_related("session__body", "kind")
            .get(key=key)
        )


class AssignmentActionView(WriteView):
    def target(self, request, key):
        try:
            return nth_assignment(selectors.visible_proposal_qs(viewer=request.user), key)
        except NoSuchKey as exc:
            raise selectors.Proposal.DoesNotExist from exc


def _documented(summary: str, request, response, description: str = ""):
    return extend_schema(
        summary=summary,
        description=description,
        request=request,
        responses={201: response, 200: response},
        parameters=[IDEMPOTENCY],
    )


# --- members ----------------------------------------------------------------------------------


class ProposalCreateView(WriteView):
    input_class = inputs.ProposalCreateInput

    @_documented(
        "Draft a proposal (member)",
        inputs.ProposalCreateInput,
        serializers.ProposalSerializer,
        "The caller leads it; named co-signers confirm where the kind needs them.",
    )
    def post(self, request, **kwargs):
        return super().post(request, **kwargs)

    def act(self, request, target, data):
        _require_role(request.user, Role.MEMBER)
        member = request.user.profile.member
        session = data.pop("session")
        proposal = services.proposal_create(
            session=session,
            kind=data.pop("kind"),
            lead_member=member,
            actor=request.user,
            **data,
        )
        return status.HTTP_201_CREATED, proposal_out(request, proposal)


class _LeadAction(ProposalActionView):
    def act(self, request, proposal, data):
        perms.require_lead(request.user, proposal)
        self.run(request, proposal)
        return status.HTTP_200_OK, proposal_out(request, proposal)


class SubmitView(_LeadAction):
    @_documented("Submit a draft (lead member)", inputs.EmptyInput, serializers.ProposalSerializer)
    def post(self, request, **kwargs):
        return super().post(request, **kwargs)

    def run(self, request, proposal):
        services.proposal_submit(proposal=proposal, on=timezone.localdate(), actor=request.user)


class WithdrawView(_LeadAction):
    @_documented("Withdraw (lead member)", inputs.EmptyInput, serializers.ProposalSerializer)
    def post(self, request, **kwargs):
        return super().post(request, **kwargs)

    def run(self, request, proposal):
        services.proposal_withdraw(proposal=proposal, actor=request.user)


class DraftEditView(ProposalActionView):
    """PATCH on a proposal: its lead edits the texts of a draft."""

    http_method_names = ["patch", "options"]
    input_class = inputs.DraftEditInput

    def patch(self, request, **kwargs):
        return self.write(request, **kwargs)

    def act(self, request, proposal, data):
        perms.require_draft_author(request.user, proposal)
        services.proposal_update_draft(proposal=proposal, actor=request.user, **data)
        return status.HTTP_200_OK, proposal_out(request, proposal)


class ConfirmView(ProposalActionView):
    @_documented(
        "Confirm a co-signature (co-signer)", inputs.EmptyInput, serializers.ProposalSerializer
    )
    def post(self, request, **kwargs):
        return super().post(request, **kwargs)

    def act(self, request, proposal, data):
        perms.require_cosigner(request.user, proposal)
        services.cosigner_confirm(
            proposal=proposal, member=request.user.profile.member, actor=request.user
        )
        return status.HTTP_200_OK, proposal_out(request, proposal)


class FeedbackCreateView(WriteView):
    input_class = inputs.FeedbackInput

    @_documented("Rate a reply (lead member)", inputs.FeedbackInput, serializers.FeedbackSerializer)
    def post(self, request, **kwargs):
        return super().post(request, **kwargs)

    def target(self, request, key):
        try:
            reply_id = nth_reply_id(selectors.visible_proposal_qs(viewer=request.user), key)
        except NoSuchKey as exc:
            raise selectors.Reply.DoesNotExist from exc
        return selectors.reply_list(viewer=request.user).get(pk=reply_id)

    def act(self, request, reply, data):
        perms.require_lead(request.user, reply.assignment.proposal)
        feedback = services.feedback_give(
            reply=reply,
            rating=data["rating"],
            comment=data["comment"],
            comment_public=data["comment_public"],
            on=timezone.localdate(),
            actor=request.user,
        )
        feedback = selectors.feedback_list(viewer=request.user).get(pk=feedback.pk)
        context = {
            "request": request,
            "positions": Positions([feedback.reply.assignment.proposal_id]),
        }
        return status.HTTP_201_CREATED, serializers.FeedbackSerializer(
            feedback, context=context
        ).data


# --- agencies ----------------------------------------------------------------------------------


class ReplyCreateView(AssignmentActionView):
    input_class = inputs.ReplyInput

    @_documented(
        "Reply to an assignment (its agency's officer)",
        inputs.ReplyInput,
        serializers.ReplySerializer,
    )
    def post(self, request, **kwargs):
        return super().post(request, **kwargs)

    def act(self, request, assignment, data):
        perms.require_agency(request.user, assignment)
        reply = services.reply_create(
            assignment=assignment, on=timezone.localdate(), actor=request.user, **data
        )
        reply = selectors.reply_list(viewer=request.user).get(pk=reply.pk)
        context = {"request": request, "positions": Positions([assignment.proposal_id])}
        return status.HTTP_201_CREATED, serializers.ReplySerializer(reply, context=context).data


def assignment_out(request, assignment) -> dict:
    assignment = selectors.inbox_item(pk=assignment.pk)
    context = {"request": request, "positions": Positions([assignment.proposal_id])}
    return serializers.InboxSerializer(assignment, context=context).data


class TransferRequestView(AssignmentActionView):
    input_class = inputs.TransferRequestInput

    @_documented(
        "Ask the office to transfer an assignment (its agency's officer)",
        inputs.TransferRequestInput,
        serializers.InboxSerializer,
    )
    def post(self, request, **kwargs):
        return super().post(request, **kwargs)

    def act(self, request, assignment, data):
        perms.require_agency(request.user, assignment)
        services.assignment_request_transfer(
            assignment=assignment,
            on=timezone.localdate(),
            reason=data["reason"],
            actor=request.user,
        )
        return status.HTTP_200_OK, assignment_out(request, assignment)


# --- office ------------------------------------------------------------------------------------


class ReviewView(ProposalActionView):
    input_class = inputs.ReviewInput

    @_documented(
        "File, refuse, merge or convert (office)",
        inputs.ReviewInput,
        serializers.ProposalSerializer,
        "A submitted proposal is put under review first, as on the office desk.",
    )
    def post(self, request, **kwargs):
        return super().post(request, **kwargs)

    def act(self, request, proposal, data):
        perms.require_office(request.user, proposal)
        merged_into = None
        if data["merged_into"]:
            found = selectors.visible_proposal_qs(viewer=request.user).filter(
                key=data["merged_into"]
            )
            merged_into = found.select_related("session").first()
            if merged_into is None:
                raise ValidationError({"merged_into": _("No proposal with this key.")})
        services.proposal_review(
            proposal=proposal,
            decision=data["decision"],
            on=timezone.localdate(),
            reason=data["reason"],
            note=data["note"],
            merged_into=merged_into,
            actor=request.user,
        )
        return status.HTTP_200_OK, proposal_out(request, proposal)


class AssignView(ProposalActionView):
    input_class = inputs.AssignInput

    @_documented("Assign to an agency (office)", inputs.AssignInput, serializers.InboxSerializer)
    def post(self, request, **kwargs):
        return super().post(request, **kwargs)

    def act(self, request, proposal, data):
        perms.require_office(request.user, proposal)
        assignment = services.proposal_assign(
            proposal=proposal,
            agency=data["agency"],
            role=data["role"],
            on=timezone.localdate(),
            due_on=data["due_on"],
            actor=request.user,
        )
        return status.HTTP_201_CREATED, assignment_out(request, assignment)


class CloseView(ProposalActionView):
    @_documented("Close handling (office)", inputs.EmptyInput, serializers.ProposalSerializer)
    def post(self, request, **kwargs):
        return super().post(request, **kwargs)

    def act(self, request, proposal, data):
        perms.require_office(request.user, proposal)
        services.proposal_close(proposal=proposal, actor=request.user)
        return status.HTTP_200_OK, proposal_out(request, proposal)


class ReopenView(ProposalActionView):
    @_documented(
        "Reopen after unsatisfied feedback (office)",
        inputs.EmptyInput,
        serializers.ProposalSerializer,
    )
    def post(self, request, **kwargs):
        return super().post(request, **kwargs)

    def act(self, request, proposal, data):
        perms.require_office(request.user, proposal)
        services.proposal_reopen(proposal=proposal, on=timezone.localdate(), actor=request.user)
        return status.HTTP_200_OK, proposal_out(request, proposal)


class TransferView(AssignmentActionView):
    input_class = inputs.TransferInput

    @_documented(
        "Transfer an assignment to another agency (office)",
        inputs.TransferInput,
        serializers.InboxSerializer,
        "Approves the agency's transfer request (or transfers on the office's own motion,"
        " as the desk allows): this assignment stays on record, inactive, and the new"
        " agency's assignment (returned) gets a fresh deadline.",
    )
    def post(self, request, **kwargs):
        return super().post(request, **kwargs)

    def act(self, request, assignment, data):
        perms.require_office(request.user, assignment.proposal)
        moved = services.assignment_transfer(
            assignment=assignment,
            to_agency=data["agency"],
            on=timezone.localdate(),
            actor=request.user,
        )
        return status.HTTP_201_CREATED, assignment_out(request, moved)


class RefuseTransferView(AssignmentActionView):
    @_documented(
        "Refuse an agency's transfer request (office)",
        inputs.EmptyInput,
        serializers.InboxSerializer,
        "The agency keeps the assignment; its request is cleared.",
    )
    def post(self, request, **kwargs):
        return super().post(request, **kwargs)

    def act(self, request, assignment, data):
        perms.require_office(request.user, assignment.proposal)
        services.assignment_refuse_transfer(assignment=assignment, actor=request.user)
        return status.HTTP_200_OK, assignment_out(request, assignment)


class KeyView(ProposalActionView):
    input_class = inputs.KeyInput

    @_documented(
        "Select or deselect for key supervision (office)",
        inputs.KeyInput,
        serializers.ProposalSerializer,
        "Only a filed proposal (filed, assigned, replied or closed) can be selected.",
    )
    def post(self, request, **kwargs):
        return super().post(request, **kwargs)

    def act(self, request, proposal, data):
        perms.require_office(request.user, proposal)
        services.proposal_set_key(
            proposal=proposal,
            is_key=data["is_key"],
            supervisor=data["supervisor"],
            actor=request.user,
        )
        return status.HTTP_200_OK, proposal_out(request, proposal)
