"""The demo's second body: a written-questions chamber, generated throughout.

Its definition (`fixtures/written_questions.jsonl`: the body with its English
working language, its five-working-days rule on the England and Wales calendar,
its vocabulary of answered / holding answers and no satisfaction scale, its
topics, departments with remits and committee) goes through the importer like
any body a user would add; its members and questions are generated here, every
question driven through the workflow services and stopped at each state the
chamber knows: drafts, withdrawn, submitted, under review, not tabled, tabled,
with a department (most of them overdue by now), holding answers, answers,
closed, and a few transferred to another department.

Nothing here is real: the body, its departments, members and questions carry
`generated`, and the body's names and description say so.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from lianghui.core import events
from lianghui.exchange.importer import import_files
from lianghui.people.models import Member, Organization
from lianghui.proposals import services, vocabulary
from lianghui.proposals.models import Body, Proposal, ProposalKind, Session, Topic

BODY = "wq"
SESSION = "wq-2025"
DEFINITION = Path(__file__).resolve().parent / "fixtures" / "written_questions.jsonl"
QUESTIONS = 240
MEMBERS = 36

GIVEN = ["Alex", "Sam", "Priya", "Tom", "Grace", "Owen", "Aisha", "Rhys", "Hannah", "Kwame",
         "Isla", "David", "Fatima", "Callum", "Megan", "Ravi", "Siobhan", "Ben"]  # fmt: skip
FAMILY = ["Morgan", "Patel", "Hughes", "Okafor", "Campbell", "Evans", "Khan", "Price",
          "Murray", "Lewis", "Ahmed", "Walsh", "Bennett", "Doyle", "Shah", "Turner"]  # fmt: skip
PLACES = ["Northfield", "Eastmoor", "Riverside", "Westbury", "Hillcrest", "Southport",
          "Oakham Vale", "Millbrook", "Kingsmead"]  # fmt: skip

# department key: (minister asked, topic, subjects asked about)
DEPARTMENTS = {
    "treasury": (
        "Chancellor of the Exchequer",
        "economy",
        [
            "fuel duty on diesel for rural drivers",
            "VAT on children's car seats",
            "business rates relief for small shops",
            "tax relief on pension contributions",
            "alcohol duty on small breweries",
            "borrowing to fund capital projects",
        ],
    ),  # fmt: skip
    "health": (
        "Secretary of State for Health and Care",
        "health",
        [
            "waiting lists for hip replacements",
            "ambulance response times in rural areas",
            "access to NHS dentists",
            "recruitment of GPs",
            "mental health services for students",
            "take-up of the flu vaccine",
        ],
    ),  # fmt: skip
    "education": (
        "Secretary of State for Schools",
        "education",
        [
            "crumbling concrete in school buildings",
            "support for pupils with special needs",
            "teacher vacancies in maths",
            "apprenticeship starts among school leavers",
            "funding for further education colleges",
        ],
    ),  # fmt: skip
    "transport": (
        "Secretary of State for Roads and Rail",
        "transport",
        [
            "potholes on local roads",
            "cancelled rail services",
            "rural bus routes",
            "waiting times for driving tests",
            "public charging points for electric vehicles",
        ],
    ),  # fmt: skip
    "home": (
        "Secretary of State for the Home Department",
        "policing",
        [
            "police officer numbers",
            "processing times for visa applications",
            "passport renewal delays",
            "response times of fire and rescue services",
            "neighbourhood policing in market towns",
        ],
    ),  # fmt: skip
    "environment": (
        "Secretary of State for Rivers and Farming",
        "environment",
        [
            "sewage overflows into rivers",
            "flood defences",
            "payments to farmers for hedgerows",
            "water company bonuses",
            "air quality near schools",
        ],
    ),  # fmt: skip
}
ASKS = [
    "what assessment has been made of {s} in {place}",
    "what steps are being taken to improve {s}",
    "how much was spent on {s} in the last financial year",
    "whether guidance will be published on {s}",
    "what estimate has been made of the effect of {s} on households in {place}",
]
ANSWER = (
    "The department keeps {s} under review. Figures for {place} are published each quarter;"
    " the latest show an improvement on last year, and further steps will be set out in due"
    " course."
)
HOLDING = "I will write to the Member as soon as possible; a full answer is being prepared."

# Where each question stops, and how often (weights): every state the chamber knows.
STAGES = {
    "draft": 4,
    "withdrawn": 3,
    "submitted": 4,
    "under_review": 4,
    "not_filed": 6,
    "filed": 4,
    "assigned": 10,
    "holding": 12,
    "answered": 20,
    "closed": 33,
}


@dataclass
class Outcome:
    questions: int = 0


def exists() -> bool:
    return Proposal.objects.filter(session__key=SESSION, generated=True).exists()


def _members(rng: random.Random) -> list[dict]:
    names = set()
    while len(names) < MEMBERS:
        names.add(f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}")
    return [
        {
            "type": "member",
            "key": f"wq-member-{n:02d}",
            "name_en": name,
            "gender": rng.choice(["female", "male"]),
            "generated": True,
            "memberships": [{"body": BODY, "role": "member", "start_year": 2024}],
        }
        for n, name in enumerate(sorted(names), 1)
    ]


def load_definition(rng: random.Random | None = None) -> None:
    """The body's definition and its generated members, through the importer."""
    rng = rng or random.Random(2025)
    import_files([str(DEFINITION)])
    import_files([], extra=iter([("demo-written-questions", enumerate(_members(rng), 1))]))


def _working_day(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def generate(seed: int = 2025, count: int = QUESTIONS) -> Outcome:
    """The chamber's members and questions (skipped when already generated)."""
    outcome = Outcome()
    rng = random.Random(seed)
    with transaction.atomic(), events.bulk():
        load_definition(rng)
        if exists():
            return outcome
        return _questions(rng, count, outcome)


def _questions(rng: random.Random, count: int, outcome: Outcome) -> Outcome:
    # After the import: the terms are read once, with the chamber's among them.
    with vocabulary.cached():
        session = Session.objects.get(key=SESSION)
        kind = ProposalKind.objects.get(key="wq-question")
        members = list(Member.objects.filter(memberships__body__key=BODY).order_by("key"))
        departments = {
            o.key.removeprefix("wq-"): o for o in Organization.objects.filter(bodies__key=BODY)
        }
        departments = {k: v for k, v in departments.items() if v.is_agency}
        topics = {t.key.removeprefix("wq-"): t for t in Topic.objects.filter(scheme=BODY)}
        committee = Organization.objects.get(key="wq-procedure-committee")
        stages, weights = list(STAGES), list(STAGES.values())
        start = session.opens_on
        span = (dt.date(2026, 10, 30) - start).days
        tabled = []
        for n in range(1, count + 1):
            dept = rng.choice(sorted(DEPARTMENTS))
            minister, topic, subjects = DEPARTMENTS[dept]
            subject, place = rng.choice(subjects), rng.choice(PLACES)
            ask = rng.choice(ASKS).format(s=subject, place=place)
            question = services.proposal_create(
                session=session,
                kind=kind,
                key=f"{SESSION}-q{n:04d}",
                number=f"WQ{n:04d}",
                generated=True,
                title_en=subject[0].upper() + subject[1:],
                text_en=f"To ask the {minister}, {ask}.",
                lead_member=rng.choice(members),
                topics=[topics[topic]],
            )
            outcome.questions += 1
            stage = rng.choices(stages, weights=weights)[0]
            if stage == "draft":
                continue
            if stage == "withdrawn" and rng.random() < 0.5:
                services.proposal_withdraw(proposal=question)
                continue
            on = _working_day(start + dt.timedelta(days=rng.randint(0, span)))
            services.proposal_submit(proposal=question, on=on)
            if stage == "withdrawn":
                services.proposal_withdraw(proposal=question)
                continue
            if stage == "submitted":
                continue
            services.proposal_start_review(proposal=question)
            if stage == "under_review":
                continue
            review_on = _working_day(on + dt.timedelta(days=1))
            if stage == "not_filed":
                services.proposal_review(
                    proposal=question,
                    decision="not_filed",
                    reason=rng.choice(["out_of_order", "sub_judice", "no_responsibility"]),
                    on=review_on,
                )
                continue
            services.proposal_review(proposal=question, decision="filed", on=review_on)
            tabled.append(question)
            if stage == "filed":
                continue
            assigned_on = _working_day(review_on + dt.timedelta(days=rng.randint(0, 1)))
            assignment = services.proposal_assign(
                proposal=question, agency=departments[dept], role="lead", on=assigned_on
            )
            if rng.random() < 0.05:  # asked of the wrong department: transferred
                other = departments[rng.choice(sorted(set(departments) - {dept}))]
                assignment = services.assignment_transfer(
                    assignment=assignment,
                    to_agency=other,
                    on=_working_day(assigned_on + dt.timedelta(days=1)),
                )
            if stage == "assigned":  # no answer yet: overdue by now
                continue
            late = rng.random() < 0.1
            replied_on = assignment.assigned_on + dt.timedelta(
                days=rng.randint(9, 20) if late else rng.randint(1, 6)
            )
            if stage == "holding":
                services.reply_create(
                    assignment=assignment, category="holding", on=replied_on, text_en=HOLDING
                )
                continue
            services.reply_create(
                assignment=assignment,
                category="answered",
                on=replied_on,
                text_en=ANSWER.format(s=subject, place=place),
            )
            if stage == "closed":
                services.proposal_close(proposal=question)
        for question in rng.sample(tabled, min(4, len(tabled))):
            services.proposal_set_key(proposal=question, is_key=True, supervisor=committee)
    return outcome


def body() -> Body | None:
    return Body.objects.filter(key=BODY).first()
