"""What the office did with each machine suggestion (the training signal of overrides)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import Decision, SuggestionKind


class SuggestionDecision(models.Model):
    """One decision on one suggestion: accepted, overridden (with the chosen value) or
    dismissed. Written only by `insights.services.suggestion_decide`."""

    proposal = models.ForeignKey(
        "proposals.Proposal", on_delete=models.CASCADE, related_name="suggestion_decisions"
    )
    kind = models.CharField(max_length=20, choices=SuggestionKind.choices)
    suggested = models.CharField(
        max_length=500,
        blank=True,
        help_text=_(
            "What was suggested: an agency or proposal key, or topic keys joined by commas."
        ),
    )
    score = models.FloatField(null=True, blank=True)
    decision = models.CharField(
        max_length=20, choices=Decision.choices, help_text=Decision.help_text()
    )
    chosen = models.CharField(
        max_length=500,
        blank=True,
        help_text=_("What the person chose instead (overridden) or applied (accepted)."),
    )
    role = models.CharField(
        max_length=10, blank=True, help_text=_("For agencies: the role it was assigned in.")
    )
    reasons = models.JSONField(default=dict, blank=True)
    model_version = models.CharField(
        max_length=200, blank=True, help_text=_("The artifact the suggestion came from.")
    )
    # SET_NULL: a decision stays on record when its author's account goes.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestion_decisions",
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["proposal", "kind"]),
            models.Index(fields=["kind", "decision"]),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.kind}: {self.decision} {self.suggested}"


class InterestStatement(models.Model):
    """What the member concerned says about an interest flag, shown beside it.

    A flag is computed, not stored: it is the proposal, the member and the
    organization, so the statement is kept under those three and shows again
    whenever the flag does. Written only by `services.interest_statement_set`.
    """

    proposal = models.ForeignKey(
        "proposals.Proposal", on_delete=models.CASCADE, related_name="interest_statements"
    )
    # CASCADE: a statement speaks of one member's tie to one organization; without them
    # there is no flag to stand beside.
    member = models.ForeignKey(
        "people.Member", on_delete=models.CASCADE, related_name="interest_statements"
    )
    organization = models.ForeignKey(
        "people.Organization", on_delete=models.CASCADE, related_name="interest_statements"
    )
    text = models.TextField(help_text=_("The member's statement, in their own words."))
    # SET_NULL: the statement is the member's public word; it stays when the account goes.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interest_statements",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["proposal", "member", "organization"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "member", "organization"], name="one_statement_per_flag"
            )
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.member_id}/{self.organization_id}"


class SentenceMatch(models.Model):
    """The sentences of two proposals that say the same thing, in either language,
    for the office's duplicate panel.

    Found by the worker (`tasks.match_sentences`): embedding two texts sentence by
    sentence takes seconds, too long for a page view. ``digest`` is of the two
    texts compared, so an edit of either asks for them again; ``pairs`` is None
    while the worker has not answered.
    """

    proposal = models.ForeignKey("proposals.Proposal", on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey("proposals.Proposal", on_delete=models.CASCADE, related_name="+")
    model = models.CharField(max_length=60, help_text=_("The embedding model's name."))
    digest = models.CharField(max_length=32, help_text=_("A hash of the two texts compared."))
    # [[sentence of proposal, sentence of other, cosine], ...], best first.
    pairs = models.JSONField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["model", "proposal", "other"], name="one_sentence_match_per_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.model}:{self.proposal_id}~{self.other_id}"
