"""A draft with three articles under consultation, on the small world."""

import datetime as dt

import pytest
from django.utils import timezone

from lianghui.consultations import services
from lianghui.laws.models import Provision, Regulation, RegulationVersion
from lianghui.people.models import Organization
from lianghui.proposals.models import Body

OPENS, CLOSES = dt.date(2021, 8, 27), dt.date(2021, 9, 26)


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


DURING, AFTER = at(dt.date(2021, 9, 1)), at(dt.date(2021, 9, 27))


@pytest.fixture
def draft(small_world):
    return make_draft()


def make_draft() -> RegulationVersion:
    """A draft of three articles of the small world's regulation."""
    version = RegulationVersion.objects.create(
        regulation=Regulation.objects.get(key="pipl"),
        kind="draft",
        date=OPENS,
        generated=True,
    )
    for n, (number, text) in enumerate(
        [
            ("第一条", "为了规范算法推荐服务，制定本规定。"),
            ("第二条", "算法推荐服务提供者应当保护劳动者取得劳动报酬、休息休假等合法权益。"),
            ("第三条", "算法推荐服务提供者应当向用户提供不针对其个人特征的选项。"),
        ],
        start=1,
    ):
        Provision.objects.create(
            version=version, position=n, kind="article", number=number, text_zh=text
        )
    return version


@pytest.fixture
def consultation(draft):
    return make_consultation(draft, OPENS, CLOSES)


def make_consultation(draft, opens_on, closes_on):
    """Run by an agency, moderated by the NPC's office."""
    return services.consultation_open(
        version=draft,
        key="pipl-draft",
        opens_on=opens_on,
        closes_on=closes_on,
        run_by=Organization.objects.get(key="miit"),
        body=Body.objects.get(key="npc"),
        use_of_comments_en="Comments are read by the drafting office.",
    )


def article(consultation, number: str) -> Provision:
    return Provision.objects.get(version=consultation.version, number=number)
