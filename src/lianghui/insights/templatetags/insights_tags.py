from django import template

from lianghui.insights.interests import member_interest_flags, proposal_interest_flags

register = template.Library()


@register.simple_tag
def proposal_interests(proposal):
    """Interest flags of a proposal's signers (at most one query)."""
    return proposal_interest_flags(proposal)


@register.simple_tag
def member_interests(member):
    """Interest flags over a member's published proposals (at most one query)."""
    return member_interest_flags(member, published_only=True)
