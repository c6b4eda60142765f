"""A record type registered by an app (here: topics, in the test) plugs into the
index, the results, the type facet, the links and the visibility check without
any change to the search app."""

import pytest
from django.urls import reverse

from lianghui.proposals.models import Topic
from lianghui.search import registry
from lianghui.search.registry import Doc, DocumentType
from lianghui.search.selectors import SearchFilters, search
from lianghui.search.services import index_records, rebuild
from lianghui.search.text import index_tokens


def topic_documents(ids):
    for t in Topic.objects.filter(id__in=ids):
        yield Doc(
            {
                "doc_type": "topic",
                "object_id": t.id,
                "key": t.key,
                "title_zh": t.name_zh,
                "title_en": t.name_en,
                "title_tokens": index_tokens(t.name_zh, t.name_en),
                "text_tokens": "",
            }
        )


@pytest.fixture
def topics_indexed(search_world):
    registry.register(
        DocumentType(
            key="topic",
            label="Topic page",
            model="proposals.Topic",
            build=topic_documents,
            url=lambda doc: reverse("watch:topic", args=[doc.key]),
            # Only "labour" is public in this test's policy.
            public=lambda: Topic.objects.filter(key="labour"),
        )
    )
    rebuild()
    yield
    registry.unregister("topic")
    rebuild()


def test_a_registered_type_is_searched_faceted_and_linked(topics_indexed):
    r = search(query="劳动")
    hit = next(h for h in r.hits if h.doc.doc_type == "topic")
    assert hit.url == reverse("watch:topic", args=["labour"])
    assert hit.type_label == "Topic page"
    types = next(f for f in r.facets if f.name == "type")
    assert ("Topic page", 1) in [(v.label, v.count) for v in types.values]
    only = search(query="", filters=SearchFilters(type="topic"))
    # indexed, but shown only as the type's visibility rule allows
    assert [h.doc.key for h in only.hits] == ["labour"]


def test_a_registered_type_follows_its_records(topics_indexed):
    topic = Topic.objects.get(key="labour")
    topic.name_zh = "劳动者权益"
    topic.save()
    assert index_records(label="proposals.Topic", ids=[topic.id]) == 1
    assert any(h.doc.doc_type == "topic" for h in search(query="权益").hits)
    # the search page offers it as a type of record
    from django.test import Client

    html = Client().get("/search/", {"type": "topic"}).content.decode()
    assert "Topic page" in html
