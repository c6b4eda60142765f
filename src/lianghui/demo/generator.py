"""Deterministic generated volume, shaped by published figures where the seeds
state them and by the demo's own assumptions where they do not.

Stated (seeds 000 and 003): about 80% of submissions go on to ministries; up to
90% are addressed. Assumed (the `demo-assumptions` source): the volume (the NPC
figure is --per-session; CPPCC gets 5/9 of it), the rest merged, not filed or
converted to letters; replies within three months (a few late), A/B/C about
35/45/20; ratings about 85% satisfied, 12% basically satisfied, 3% unsatisfied,
which reopens handling. A proposal goes only to an agency that existed on the
day it was assigned. Every proposal goes through the workflow services, as it
would in real use. Members, companies and sessions are reference data and go
through the importer.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from lianghui.core import events
from lianghui.core.models import Citation
from lianghui.exchange.importer import Report, import_files
from lianghui.people.models import Member, Organization
from lianghui.proposals import services
from lianghui.proposals.enums import AssignmentRole, NotFiledReason, Rating, ReviewDecision
from lianghui.proposals.models import ProposalKind, Session, Topic

from .reference import (
    AGENCIES,
    COMPANY_PREFIXES,
    REFERENCE_SOURCE,
    SECTOR_SUFFIXES,
    reference_records,
)
from .vocabulary import GIVEN, SENTENCES, SUBJECTS, SURNAMES, actions_for, reply_text

CPPCC_SHARE = 5 / 9
TOPIC_SECTOR = {
    "ai": "ai",
    "data-privacy": "internet",
    "platform-economy": "internet",
    "ev-energy": "ev_energy",
    "semiconductors": "semiconductors",
    "fintech": "finance",
    "health": "health",
    "education": "education",
    "manufacturing": "manufacturing",
    "autonomous-driving": "automotive",
    "culture-media": "media",
    "rural": "agriculture",
    "labour": "logistics",
    "carbon": "ev_energy",
}


@dataclass
class Plan:
    years: list[int]
    per_session: int
    seed: int = 2022


@dataclass
class Outcome:
    proposals: int = 0
    reference: Report | None = None


def term_and_number(year: int) -> tuple[int, int]:
    """NPC and CPPCC terms last five years; the 13th began in 2018."""
    return 13 + (year - 2018) // 5, (year - 2018) % 5 + 1


def _chinese_number(n: int) -> str:
    """1-99 in Chinese numerals (第十三届, 第五次), as the bodies write them."""
    digits = "零一二三四五六七八九"
    tens, ones = divmod(n, 10)
    if not tens:
        return digits[ones]
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


SESSION_NUMBERING = "Session numbering: a term lasts five years; the 13th began in 2018"


def _session_records(years: list[int]) -> list[dict]:
    recs = []
    for year in years:
        term, number = term_and_number(year)
        recs.append(
            {
                "type": "session",
                "key": f"npc-{year}",
                "body": "npc",
                "term": term,
                "number": number,
                "year": year,
                "name_zh": f"第{_chinese_number(term)}届全国人民代表大会"
                f"第{_chinese_number(number)}次会议",
                "name_en": f"{_ordinal(number)} Session of the {_ordinal(term)} National "
                "People's Congress",
                "sources": [{"source": REFERENCE_SOURCE, "locator": SESSION_NUMBERING}],
            }
        )
        recs.append(
            {
                "type": "session",
                "key": f"cppcc-{year}",
                "body": "cppcc",
                "term": term,
                "number": number,
                "year": year,
                "name_zh": f"中国人民政治协商会议第{_chinese_number(term)}届全国委员会"
                f"第{_chinese_number(number)}次会议",
                "name_en": f"{_ordinal(number)} Session of the {_ordinal(term)} CPPCC "
                "National Committee",
                "sources": [{"source": REFERENCE_SOURCE, "locator": SESSION_NUMBERING}],
            }
        )
    return recs


def _people_records(rng: random.Random, n_npc: int, n_cppcc: int) -> list[dict]:
    from .reference import CPPCC_SECTORS, PROVINCES

    recs, companies = [], []
    for sector, (zh_suffix, en_suffix) in SECTOR_SUFFIXES.items():
        for zh_prefix, en_prefix in COMPANY_PREFIXES[:4]:
            key = f"gen-co-{en_prefix.lower()}-{sector.replace('_', '-')}"
            companies.append((key, sector))
            recs.append(
                {
                    "type": "organization",
                    "key": key,
                    "kind": "company",
                    "name_zh": f"{zh_prefix}{zh_suffix}有限公司",
                    "name_en": f"{en_prefix} {en_suffix} Co., Ltd.",
                    "sector": sector,
                    "generated": True,
                }
            )
    for body, count in (("npc", n_npc), ("cppcc", n_cppcc)):
        for n in range(count):
            (sz, sp), (g1, p1), (g2, p2) = (
                rng.choice(SURNAMES),
                rng.choice(GIVEN),
                rng.choice(GIVEN),
            )
            if body == "npc":
                group = f"npc-delegation-{rng.choice(PROVINCES)[0]}"
            else:
                group = f"cppcc-sector-{rng.choice(CPPCC_SECTORS)[0]}"
            member = {
                "type": "member",
                "key": f"gen-{body}-{n:05d}",
                "name_zh": sz + g1 + g2,
                "name_en": f"{sp} {p1.capitalize()}{p2}",
                "generated": True,
                "memberships": [
                    {
                        "body": body,
                        "group": group,
                        "role": "deputy" if body == "npc" else "member",
                        "start_year": 2018,
                    }
                ],
            }
            if rng.random() < 0.45:  # entrepreneurs are a large share of members
                company, _sector = rng.choice(companies)
                member["affiliations"] = [
                    {
                        "organization": company,
                        "role": rng.choice(["chairman", "CEO", "president"]),
                        "start_year": rng.randint(2005, 2018),
                    }
                ]
            recs.append(member)
    return recs


def _load_reference(rng: random.Random, plan: Plan, n_npc: int, n_cppcc: int) -> Report:
    recs = [
        *_session_records(plan.years),
        *reference_records(),
        *_people_records(rng, n_npc, n_cppcc),
    ]
    # Records the seed facts already hold (with their citations) are left alone, and
    # so are generated people and companies; reference records are brought up to date
    # (a database built before they were cited and dated gets its citations).
    seeded = (
        Citation.objects.exclude(source__key=REFERENCE_SOURCE)
        .values_list("object_id", flat=True)
        .distinct()
    )

    def held(model) -> set[str]:
        ct = ContentType.objects.get_for_model(model)
        return set(
            model.objects.filter(pk__in=seeded.filter(content_type=ct)).values_list(
                "key", flat=True
            )
        )

    have = {
        "organization": held(Organization)
        | set(Organization.objects.filter(generated=True).values_list("key", flat=True)),
        "session": held(Session),
        "member": set(Member.objects.values_list("key", flat=True)),
    }
    fresh = [r for r in recs if r["key"] not in have.get(r["type"], set())]
    return import_files([], extra=iter([("demo-reference", enumerate(fresh, 1))]))


class Generator:
    def __init__(self, plan: Plan, progress: Callable[[int], None] | None = None):
        self.plan = plan
        self.rng = random.Random(plan.seed)
        self.progress = progress or (lambda n: None)
        self.outcome = Outcome()

    def run(self) -> Outcome:
        n_npc = max(20, self.plan.per_session // 3)
        n_cppcc = max(12, int(self.plan.per_session * CPPCC_SHARE) // 2)
        self.outcome.reference = _load_reference(self.rng, self.plan, n_npc, n_cppcc)
        self.topics = {t.key: t for t in Topic.objects.all()}
        self.topic_keys = [k for k in SUBJECTS if k in self.topics]
        # The Two Sessions' own agencies and members: another body's (the demo's
        # written-questions chamber) never handle or sign these proposals.
        ours = ["npc", "cppcc"]
        self.agencies = {
            o.key: o
            for o in Organization.objects.filter(kind="agency", bodies__key__in=ours).distinct()
        }
        self.by_topic: dict[str, list[Organization]] = {}
        for key, *_rest, topics in AGENCIES:
            for topic in topics:
                if key in self.agencies:
                    self.by_topic.setdefault(topic, []).append(self.agencies[key])
        self.kinds = {k.key: k for k in ProposalKind.objects.select_related("body")}
        self.supervisors = {
            o.body.key: o
            for o in Organization.objects.filter(kind="committee", body__isnull=False)
            .select_related("body")
            .order_by("key")
        }
        members = Member.objects.filter(generated=True, memberships__body__key__in=ours)
        members = members.distinct().prefetch_related(
            "memberships__body", "affiliations__organization"
        )
        self.members: dict[str, list[Member]] = {"npc": [], "cppcc": []}
        self.sector_of: dict[int, str] = {}
        for m in members:
            self.members[m.memberships.all()[0].body.key].append(m)
            aff = list(m.affiliations.all())
            if aff:
                self.sector_of[m.pk] = aff[0].organization.sector
        for year in self.plan.years:
            # The latest year is still being handled: proposals stop at every stage.
            self.in_progress = year == max(self.plan.years)
            sessions = {
                s.body.key: s for s in Session.objects.filter(year=year).select_related("body")
            }
            self.session(sessions["npc"], self.kinds["npc-suggestion"], self.plan.per_session, "s")
            self.session(
                sessions["cppcc"],
                self.kinds["cppcc-proposal"],
                int(self.plan.per_session * CPPCC_SHARE),
                "p",
            )
        return self.outcome

    def session(self, session: Session, kind: ProposalKind, count: int, letter: str) -> None:
        rng = self.rng
        opens = session.opens_on or dt.date(session.year, 3, 5)
        noun_zh = "建议" if letter == "s" else "提案"
        filed = []
        # What each filed proposal was written from, so a later one can be its reworded
        # near-copy: the office merges only proposals that say the same thing.
        written: dict[int, tuple[str, tuple[str, str], list, dt.date]] = {}
        for n in range(1, count + 1):
            member = rng.choice(self.members[session.body.key])
            roll = rng.random()
            original = rng.choice(filed[-50:]) if 0.80 <= roll < 0.88 and filed else None
            if original is not None:
                topic, subject, picks, original_filed_on = written[original.pk]
                picks = rng.sample(picks, len(picks))  # the same points, reordered
            else:
                topic = self._topic_for(member)
                subject = rng.choice(SUBJECTS[topic])
                picks = rng.sample(SENTENCES, 3)
            (subject_zh, subject_en), (act_zh, act_en) = subject, rng.choice(actions_for(subject))
            proposal = services.proposal_create(
                session=session,
                kind=kind,
                key=f"{session.key}-{letter}{n:05d}",
                number=f"{n:04d}",
                generated=True,
                title_zh=f"关于{act_zh}{subject_zh}的{noun_zh}",
                title_en=f"{act_en} {subject_en}",
                text_zh="".join(zh.format(s=subject_zh) for zh, _en in picks),
                text_en=" ".join(en.format(s_en=subject_en) for _zh, en in picks),
                lead_member=member,
                cosigners=[
                    c for c in rng.sample(self.members[session.body.key], 2) if c.pk != member.pk
                ]
                if rng.random() < 0.3
                else (),
                topics=[self.topics[topic]],
            )
            self.outcome.proposals += 1
            self.progress(1)
            stop = self._stop_stage()
            if stop == "draft":
                continue
            on = opens + dt.timedelta(days=rng.randint(0, 5))
            services.proposal_submit(proposal=proposal, on=on)
            if stop == "submitted":
                continue
            if stop == "under_review":
                services.proposal_start_review(proposal=proposal)
                continue
            # A review decision puts a submitted proposal under review itself.
            review_on = on + dt.timedelta(days=rng.randint(7, 30))
            if original is not None:
                services.proposal_review(
                    proposal=proposal,
                    decision=ReviewDecision.MERGED,
                    on=max(review_on, original_filed_on),
                    merged_into=original,
                )
            elif roll < 0.88:  # filed (a would-be copy with nothing to copy is filed too)
                services.proposal_review(
                    proposal=proposal, decision=ReviewDecision.FILED, on=review_on
                )
                filed.append(proposal)
                written[proposal.pk] = (topic, subject, picks, review_on)
                if stop != "filed":
                    self.handle(proposal, topic, review_on, stop)
            elif roll < 0.95:
                services.proposal_review(
                    proposal=proposal,
                    decision=ReviewDecision.NOT_FILED,
                    on=review_on,
                    reason=rng.choice(list(NotFiledReason.values)),
                )
            else:
                services.proposal_review(
                    proposal=proposal, decision=ReviewDecision.CONVERTED, on=review_on
                )
        for proposal in rng.sample(filed, min(10, len(filed))):
            services.proposal_set_key(
                proposal=proposal, is_key=True, supervisor=self.supervisors.get(session.body.key)
            )

    def _stop_stage(self) -> str:
        if not self.in_progress:
            return "closed"
        return self.rng.choices(
            ["draft", "submitted", "under_review", "filed", "assigned", "replied", "closed"],
            weights=(3, 4, 8, 5, 30, 15, 35),
        )[0]

    def _topic_for(self, member: Member) -> str:
        sector = self.sector_of.get(member.pk)
        if sector and self.rng.random() < 0.5:  # entrepreneurs often write about their trade
            matching = [t for t, s in TOPIC_SECTOR.items() if s == sector and t in self.topics]
            if matching:
                return self.rng.choice(matching)
        return self.rng.choice(self.topic_keys)

    def handle(self, proposal, topic: str, filed_on: dt.date, stop: str) -> None:
        rng = self.rng
        assign_on = filed_on + dt.timedelta(days=rng.randint(1, 10))
        existing = [a for a in self.agencies.values() if a.exists_on(assign_on)]
        pool = [a for a in self.by_topic.get(topic, ()) if a.exists_on(assign_on)] or existing
        lead = rng.choice(pool)
        assignments = [
            services.proposal_assign(
                proposal=proposal, agency=lead, role=AssignmentRole.LEAD, on=assign_on
            )
        ]
        others = [a for a in pool if a.pk != lead.pk]
        if others and rng.random() < 0.35:
            role = AssignmentRole.JOINT if rng.random() < 0.6 else AssignmentRole.ASSISTING
            assignments.append(
                services.proposal_assign(
                    proposal=proposal, agency=rng.choice(others), role=role, on=assign_on
                )
            )
        if rng.random() < 0.03:  # a wrongly routed proposal is transferred
            moved_on = assign_on + dt.timedelta(days=rng.randint(3, 14))
            spare = [
                a
                for a in existing
                if a.pk not in {x.agency_id for x in assignments} and a.exists_on(moved_on)
            ]
            moved = services.assignment_transfer(
                assignment=assignments[0], to_agency=rng.choice(spare), on=moved_on
            )
            assignments[0] = moved
        if stop == "assigned":
            return
        replies = []
        for assignment in assignments:
            late = rng.random() < 0.05
            days = rng.randint(95, 130) if late else rng.randint(20, 88)
            category = rng.choices("ABC", weights=(35, 45, 20))[0]
            zh, en = reply_text(category, assignment.pk)
            replies.append(
                services.reply_create(
                    assignment=assignment,
                    category=category,
                    text_zh=zh,
                    text_en=en,
                    on=assignment.assigned_on + dt.timedelta(days=days),
                )
            )
        last = max(r.replied_on for r in replies)
        if stop == "replied":
            return
        unsatisfied = []
        for assignment, reply in zip(assignments, replies, strict=True):
            rating = rng.choices(
                [Rating.SATISFIED, Rating.BASICALLY_SATISFIED, Rating.UNSATISFIED],
                weights=(85, 12, 3),
            )[0]
            if rating == Rating.UNSATISFIED:
                unsatisfied.append(assignment)
            services.feedback_give(
                reply=reply, rating=rating, on=last + dt.timedelta(days=rng.randint(3, 20))
            )
        if unsatisfied:
            reopen_on = last + dt.timedelta(days=30)
            services.proposal_reopen(proposal=proposal, on=reopen_on)
            # Every reopened agency answers again before the proposer rates anew.
            again = [
                services.reply_create(
                    assignment=assignment,
                    category=rng.choice("AB"),
                    on=reopen_on + dt.timedelta(days=rng.randint(20, 60)),
                    text_zh=reply_text("B", assignment.pk + 1)[0],
                    text_en=reply_text("B", assignment.pk + 1)[1],
                )
                for assignment in unsatisfied
            ]
            for reply in again:
                services.feedback_give(
                    reply=reply,
                    rating=Rating.BASICALLY_SATISFIED,
                    on=max(r.replied_on for r in again) + dt.timedelta(days=7),
                )
        services.proposal_close(proposal=proposal)


DEMO_PASSWORD = "lianghui-demo"


def demo_accounts() -> list[tuple[str, str, str]]:
    """One account per role, attached to demo records; returns (username, role, what)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count, Q

    from lianghui.accounts.services import account_create
    from lianghui.proposals.models import Body

    made = []
    bodies = {b.key: b for b in Body.objects.all()}
    # The member whose latest proposals show the most of the process.
    member = (
        Member.objects.filter(generated=True, memberships__body__key="npc")
        .annotate(
            live=Count(
                "signed",
                filter=Q(signed__role="lead", signed__proposal__status__in=["replied", "assigned"]),
            )
        )
        .order_by("-live", "key")
        .first()
    )
    agency = Organization.objects.filter(key="miit").first()
    # The written-questions chamber's member with the most questions answered.
    questioner = (
        Member.objects.filter(generated=True, memberships__body__key="wq")
        .annotate(live=Count("signed", filter=Q(signed__proposal__status="replied")))
        .order_by("-live", "key")
        .first()
    )
    wanted = [
        ("admin", "admin", {}, "everything"),
        ("office-npc", "office", {"body": bodies.get("npc")}, "NPC office"),
        ("office-cppcc", "office", {"body": bodies.get("cppcc")}, "CPPCC office"),
        ("agency-miit", "agency", {"agency": agency}, "Ministry of Industry and IT"),
        ("supervisor-npc", "supervisor", {"body": bodies.get("npc")}, "NPC key proposals"),
        ("deputy", "member", {"member": member}, member.name if member else ""),
        ("watcher", "watcher", {}, "public records"),
        ("office-wq", "office", {"body": bodies.get("wq")}, "Written Questions Chamber office"),
        (
            "agency-wq-treasury",
            "agency",
            {"agency": Organization.objects.filter(key="wq-treasury").first()},
            "Department of the Treasury (written questions)",
        ),
        ("questioner", "member", {"member": questioner}, questioner.name if questioner else ""),
    ]
    existing = set(get_user_model().objects.values_list("username", flat=True))
    for username, role, links, what in wanted:
        if username in existing or any(v is None for v in links.values()):
            continue
        account_create(
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            email=f"{username}@example.org",
            **links,
        )
        made.append((username, role, what))
    return made


def generate(plan: Plan, progress: Callable[[int], None] | None = None) -> Outcome:
    # The services report every proposal they change: a few outbox rows at the end,
    # not one per write.
    with transaction.atomic(), events.bulk():
        return Generator(plan, progress).run()
