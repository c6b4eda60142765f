"""Factories: records made the way every entry point makes them, through the services.

`ProposalFactory` drafts a proposal with `proposals.services.proposal_create` and
takes it through the workflow services up to `status` (draft, submitted,
under_review, filed, assigned, replied): what a desk, the API or the demo would
leave behind, audit trail and change stream included. Defaults come from the
small world (`small_world` fixture: session npc-2022, kind npc-suggestion, lead
deputy-a); pass other records or keys for another world, e.g.
``ProposalFactory(session="t-npc-2022", kind="t-npc-suggestion", lead_member="t-lei")``.

    ProposalFactory()                                  # a draft
    ProposalFactory(key="p-x", status="filed")         # submitted 6 March, filed 20 March
    ProposalFactory(status="assigned", agency="miit")  # MIIT as lead unit, 25 March
    ProposalFactory.create_batch(3, status="submitted")

Named scenarios (a proposal with every kind of reply, a world of records) stay
fixtures beside the tests that need them; this module is for the single records
those scenarios and tests are built from.
"""

from __future__ import annotations

import datetime as dt

import factory

from lianghui.people.models import Member, Organization
from lianghui.proposals import services
from lianghui.proposals.models import Proposal, ProposalKind, Session, Topic

# The steps after drafting, in order; a status names the last one taken.
STAGES = ("draft", "submitted", "under_review", "filed", "assigned", "replied")


def _record(model, value):
    """A record, or the record with this key."""
    if value is None or isinstance(value, model):
        return value
    return model.objects.get(key=value)


class ProposalFactory(factory.Factory):
    class Meta:
        model = Proposal

    session = "npc-2022"
    kind = "npc-suggestion"
    key = factory.Sequence(lambda n: f"factory-{n}")
    title_zh = factory.LazyAttribute(lambda o: f"关于{o.key}的建议")
    lead_member = "deputy-a"
    lead_group = None
    cosigners = ()
    topics = ()
    confirm_cosigners = False

    status = "draft"
    submitted_on = dt.date(2022, 3, 6)
    filed_on = dt.date(2022, 3, 20)
    agency = "miit"
    assigned_on = dt.date(2022, 3, 25)
    category = "A"
    replied_on = dt.date(2022, 5, 1)

    @classmethod
    def _create(cls, model_class, **kw):
        stage = STAGES.index(kw.pop("status"))
        steps = {
            f: kw.pop(f)
            for f in (
                "submitted_on",
                "filed_on",
                "agency",
                "assigned_on",
                "category",
                "replied_on",
                "confirm_cosigners",
            )
        }
        kw["session"] = _record(Session, kw["session"])
        kw["kind"] = _record(ProposalKind, kw["kind"])
        kw["lead_group"] = _record(Organization, kw["lead_group"])
        kw["lead_member"] = None if kw["lead_group"] else _record(Member, kw["lead_member"])
        kw["cosigners"] = [_record(Member, m) for m in kw["cosigners"]]
        kw["topics"] = [_record(Topic, t) for t in kw["topics"]]
        proposal = services.proposal_create(**kw)
        if steps["confirm_cosigners"]:
            for member in kw["cosigners"]:
                services.cosigner_confirm(proposal=proposal, member=member)
        if stage >= STAGES.index("submitted"):
            services.proposal_submit(proposal=proposal, on=steps["submitted_on"])
        if stage == STAGES.index("under_review"):
            services.proposal_start_review(proposal=proposal)
        if stage >= STAGES.index("filed"):
            # From "submitted": the review puts it under review itself.
            services.proposal_review(proposal=proposal, decision="filed", on=steps["filed_on"])
        if stage >= STAGES.index("assigned"):
            assignment = services.proposal_assign(
                proposal=proposal,
                agency=_record(Organization, steps["agency"]),
                role="lead",
                on=steps["assigned_on"],
            )
        if stage >= STAGES.index("replied"):
            services.reply_create(
                assignment=assignment, category=steps["category"], on=steps["replied_on"]
            )
        return Proposal.objects.select_related("session__body", "kind").get(pk=proposal.pk)
