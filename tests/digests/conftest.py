import pytest

from lianghui.digests import services
from lianghui.proposals.models import Proposal, Session, Signer
from lianghui.proposals.services import proposal_review
from tests.factories import ProposalFactory


@pytest.fixture
def session_world(small_world):
    """npc-2022 with three labour proposals (one co-signed by two), Ma Huateng's
    AI proposal (p-1), an unpublished draft with many co-signers, and npc-2021
    with one AI proposal to compare against."""
    before = Session.objects.create(
        key="npc-2021", body_id=Session.objects.get(key="npc-2022").body_id,
        term=13, number=4, year=2021, name_en="4th Session of the 13th NPC",
    )  # fmt: skip
    ProposalFactory(
        key="old-ai", session=before, status="filed", topics=["ai"], title_zh="关于人工智能的建议"
    )
    for n, cosigners in enumerate([["deputy-b", "ma-huateng"], [], ["deputy-b"]]):
        ProposalFactory(
            key=f"labour-{n}",
            status="filed",
            topics=["labour"],
            title_zh=f"关于骑手权益的第{n}条建议",
            cosigners=cosigners,
        )
    draft = ProposalFactory(key="secret", title_zh="尚未公开的建议", topics=["labour"])
    for m in ("deputy-b", "ma-huateng"):
        Signer.objects.create(proposal=draft, member_id=_member(m), role="cosigner", position=5)
    assert not Proposal.objects.get(key="secret").published
    return Session.objects.get(key="npc-2022")


def _member(key):
    from lianghui.people.models import Member

    return Member.objects.get(key=key).pk


__all__ = ["proposal_review"]


@pytest.fixture
def published(session_world, accounts):
    """The session's highlights as generated, one theme retitled by the office, published."""
    digest = services.digest_generate(session=session_world, actor=accounts["office"])
    item = digest.items.get(section="theme", position=0)
    services.digest_item_edit(item=item, actor=accounts["office"], title_en="Riders' rights")
    services.digest_publish(digest=digest, actor=accounts["office"])
    return digest
