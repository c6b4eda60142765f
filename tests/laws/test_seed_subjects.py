"""The seed subjects the demo lacked: found by search, dated as their seed dates them."""

import pytest

from lianghui.laws.models import Regulation
from lianghui.search.selectors import search
from lianghui.search.services import rebuild

pytestmark = pytest.mark.django_db


def test_searches_for_the_seed_subjects_find_cited_records(seed_facts):
    rebuild()
    found = {
        q: {h.doc.key for h in search(query=q).hits}
        for q in ("social credit", "社会信用", "Huolala")
    }
    assert "social-credit-system" in found["social credit"]
    assert "social-credit-system" in found["社会信用"]
    assert "huolala" in found["Huolala"]
    unions = {h.doc.key for h in search(query="union").hits}
    assert {"jd-union", "didi-union"} <= unions


def test_document_56_is_dated_july_2021_and_the_provisions_have_two_generated_texts(
    seed_facts, client
):
    doc56 = Regulation.objects.get(key="document-no-56")
    assert (str(doc56.published_on), doc56.published_precision) == ("2021-07-01", "month")
    page = client.get(doc56.get_absolute_url()).content.decode()
    assert "July 2021" in page
    listed = client.get("/regulations/?kind=normative_document").content.decode()
    assert "July 2021" in listed and "July 1, 2021" not in listed
    # July 2021 sorts after November 2021 and before the year 2021 (1 January).
    from lianghui.laws.selectors import regulation_tracker

    order = [r.key for r in regulation_tracker(limit=50)]
    assert order.index("pipl") < order.index("document-no-56") < order.index("ai-ethics-norms")
    assert {r.key: r.latest_precision for r in regulation_tracker(limit=50)}[
        "document-no-56"
    ] == "month"
    algo = Regulation.objects.get(key="algorithmic-recommendation-provisions")
    draft, final = algo.versions.order_by("date")
    assert (str(draft.date), str(final.date)) == ("2021-08-27", "2022-01-04")
    assert draft.generated and final.generated
    assert algo.citations.filter(field="versions", source__key="seed-001").exists()
    compare = client.get(f"{algo.get_absolute_url()}compare/?from={draft.pk}&to={final.pk}")
    assert "moved" in compare.content.decode()
