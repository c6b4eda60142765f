"""The demo's consultation: on the seed's regulation, in the seed's window, with
generated comments from every capacity, a campaign counted, themes proposed."""

import datetime as dt

import pytest

from lianghui.consultations import selectors
from lianghui.consultations.enums import Capacity
from lianghui.consultations.models import Consultation
from lianghui.demo import consultation as demo
from lianghui.laws.models import Regulation

pytestmark = pytest.mark.django_db


def test_the_demo_consultation_from_the_seeds(seed_facts):
    written = demo.build()
    assert written and demo.build() == 0  # once
    c = Consultation.objects.get(key=demo.KEY)
    assert (c.opens_on, c.closes_on) == (dt.date(2021, 8, 27), dt.date(2021, 9, 26))
    assert Regulation.objects.filter(key=demo.REGULATION).count() == 1
    assert c.version.regulation.key == demo.REGULATION and c.run_by.key == "cac"
    public = selectors.public_comment_list().filter(consultation=c)
    assert set(public.values_list("capacity", flat=True)) == set(Capacity.values)
    assert not public.filter(generated=False).exists()
    assert max(selectors.campaign_sizes(consultation=c).values()) == demo.CAMPAIGN_SIZE
    assert c.themes.exists()
    assert all(x.created_at.date() <= c.closes_on for x in public)
