"""Anonymous proposal reads served from stored documents: the same bytes as the
rendering path, one query, and never stale after a committed change."""

from types import SimpleNamespace

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from lianghui.api.models import PublicProposal
from lianghui.api.read import public
from lianghui.core import events
from lianghui.core.models import Citation, Source
from lianghui.laws.models import Regulation
from lianghui.proposals import services
from lianghui.proposals.models import Proposal
from lianghui.search.services import rebuild

from . import scenarios as sc

pytestmark = pytest.mark.django_db

URLS = [
    "/api/v1/proposals/",
    "/api/v1/proposals/?limit=1",
    "/api/v1/proposals/?limit=2&cursor=WyJwLTEiXQ",
    "/api/v1/proposals/?session=npc-2022",
    "/api/v1/proposals/?session=npc-2022&topic=ai",
    "/api/v1/proposals/?session=no-such-session",
    "/api/v1/proposals/?body=npc&kind=npc-suggestion&status=closed",
    "/api/v1/proposals/?generated=false&member=deputy-a",
    "/api/v1/proposals/?agency=miit",
    "/api/v1/proposals/?agency=mohrss",  # the same compiled query, another value
    "/api/v1/proposals/?session=npc-2022&limit=1&cursor=WyJwLTEiXQ",
    "/api/v1/proposals/?agency=mohrss&status=merged",
    "/api/v1/proposals/p-1/",
    "/api/v1/proposals/p-2/",
    "/api/v1/proposals/grow-0/",
    "/api/v1/proposals/?q=数字经济",
    "/api/v1/proposals/?q=数字经济 -另一条&session=npc-2022&limit=1",
    "/api/v1/proposals/?q=" + "长" * 300,  # too long: refused the same way
    "/api/v1/proposals/?limit=0",  # refused the same way on both paths
    "/api/v1/proposals/?status=nope",
    "/api/v1/proposals/?generated=maybe",
    "/api/v1/proposals/?member=" + "m" * 161,
    "/api/v1/proposals/?cursor=junk",
    "/api/v1/proposals/no-such-proposal/",
]


@pytest.fixture
def world(db, jsonl, settings, django_capture_on_commit_callbacks):
    """The small world and three rated proposals, their documents rendered by the
    "records changed" events of their commits, as in production."""
    from lianghui.api.tasks import connect
    from lianghui.exchange.importer import import_files

    from ..conftest import FIXTURES

    settings.LIANGHUI_API_CACHE_SECONDS = 0  # compare the paths, not the response cache
    connect()  # another test may have cleared core.events' subscribers
    with django_capture_on_commit_callbacks(execute=True):
        import_files([str(FIXTURES / "small_world.jsonl")])
        for n in range(3):
            sc.rated(f"grow-{n}")


def _answers(client, urls):
    return {url: (r.status_code, r.content) for url in urls for r in [client.get(url)]}


def test_stored_answers_are_the_rendered_answers(world, client):
    rebuild()  # the search index, for q=
    assert PublicProposal.objects.count() == Proposal.objects.filter(published=True).count() > 3
    stored = _answers(client, URLS)
    PublicProposal.objects.all().delete()
    rendered = _answers(client, URLS)
    assert stored == rendered
    assert stored["/api/v1/proposals/p-1/"][0] == 200
    assert b'"url":"http://testserver/api/v1/proposals/p-1/"' in stored["/api/v1/proposals/"][1]
    assert stored["/api/v1/proposals/?limit=0"][0] == 400


def test_stored_answers_take_one_query(world, client, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert client.get("/api/v1/proposals/p-1/").status_code == 200
    with django_assert_num_queries(1):
        assert len(client.get("/api/v1/proposals/?topic=ai").json()["results"]) == 1
    with django_assert_num_queries(2):  # the session's id, then the page
        assert client.get("/api/v1/proposals/?session=npc-2022&limit=2").json()["next"]


def test_switched_off_every_read_renders(world, client, settings, django_assert_num_queries):
    stale = PublicProposal.objects.filter(proposal__key__in=["p-1", "grow-0"])
    stale.update(full='{"stale":true}', listed='{"stale":1}')
    assert client.get("/api/v1/proposals/grow-0/").json() == {"stale": True}  # on: served
    settings.LIANGHUI_API_DOCUMENTS = False
    client.get("/api/v1/proposals/grow-0/")  # warm the content types
    # grow-0 has no merges, sources or regulations: the proposal's row alone, and
    # no look for its document
    with django_assert_num_queries(1):
        assert client.get("/api/v1/proposals/grow-0/").json()["key"] == "grow-0"
    listed = client.get("/api/v1/proposals/?topic=ai").json()["results"]
    assert [r["key"] for r in listed] == ["p-1"]


def test_callers_who_see_more_and_other_shapes_are_rendered(world, api):
    p = Proposal.objects.get(key="p-1")
    PublicProposal.objects.filter(proposal=p).update(full='{"stale":true}', listed='{"stale":1}')
    anonymous = api("anonymous")
    assert anonymous.get("/api/v1/proposals/p-1/").json() == {"stale": True}
    # A token or an explicit include are not what is stored.
    assert api("office").get("/api/v1/proposals/p-1/").json()["key"] == "p-1"
    assert anonymous.get("/api/v1/proposals/p-1/?include=text").json()["key"] == "p-1"
    rebuild()  # the search index follows commits; inside a test transaction, rebuild it
    found = anonymous.get("/api/v1/proposals/?q=数字经济").json()["results"]
    assert [r.get("key") for r in found] == [None, "p-2"]  # the stored p-1, then p-2


def test_a_committed_change_is_served_at_once(world, client, django_capture_on_commit_callbacks):
    p = Proposal.objects.get(key="grow-1")
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_set_key(proposal=p, is_key=True)
    assert client.get("/api/v1/proposals/grow-1/").json()["is_key"] is True
    stored = PublicProposal.objects.get(proposal=p)
    assert '"is_key":true' in stored.full and '"is_key":true' in stored.listed


def test_a_change_forgets_the_document_before_the_worker_renders_it(
    world, client, django_capture_on_commit_callbacks, monkeypatch
):
    from lianghui.api import tasks

    queued = []
    monkeypatch.setattr(tasks, "render_public_documents", SimpleNamespace(enqueue=queued.append))
    p = Proposal.objects.get(key="grow-2")
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_set_key(proposal=p, is_key=True)
    assert queued == [[p.pk]]
    assert not PublicProposal.objects.filter(proposal=p).exists()
    # Meanwhile readers get the rendered answer, not an old one.
    assert client.get("/api/v1/proposals/grow-2/").json()["is_key"] is True
    keys = [r["key"] for r in client.get("/api/v1/proposals/?limit=500").json()["results"]]
    assert "grow-2" in keys


def test_unpublishing_removes_the_document(world, client, django_capture_on_commit_callbacks):
    p = Proposal.objects.get(key="grow-0")
    with django_capture_on_commit_callbacks(execute=True):
        Proposal.objects.filter(pk=p.pk).update(published=False)
        events.changed("proposals.Proposal", [p.pk])
    assert not PublicProposal.objects.filter(proposal=p).exists()
    assert client.get("/api/v1/proposals/grow-0/").status_code == 404
    keys = [r["key"] for r in client.get("/api/v1/proposals/").json()["results"]]
    assert "grow-0" not in keys


def test_merged_proposals_follow_their_target(world, client, django_capture_on_commit_callbacks):
    assert client.get("/api/v1/proposals/p-2/").json()["merged_into"] == "p-1"
    target = Proposal.objects.get(key="p-1")
    with django_capture_on_commit_callbacks(execute=True):
        Proposal.objects.filter(pk=target.pk).update(published=False)
        events.changed("proposals.Proposal", [target.pk])
    assert client.get("/api/v1/proposals/p-2/").json()["merged_into"] is None


def test_regulations_and_sources_shown_are_traced(
    world, client, django_capture_on_commit_callbacks
):
    p = Proposal.objects.get(key="p-1")
    assert client.get("/api/v1/proposals/p-1/").json()["regulations"] == ["pipl"]
    pipl = Regulation.objects.get(key="pipl")
    with django_capture_on_commit_callbacks(execute=True):
        pipl.related_proposals.remove(p)  # the link is gone: only the stored document knows
        events.changed("laws.Regulation", [pipl.pk])
    assert client.get("/api/v1/proposals/p-1/").json()["regulations"] == []

    source = Source.objects.get(key="src-a")
    Citation.objects.get_or_create(
        source=source, content_type=ContentType.objects.get_for_model(Proposal), object_id=p.pk
    )
    public.refresh([p.pk])
    with django_capture_on_commit_callbacks(execute=True):
        Source.objects.filter(pk=source.pk).update(title="Renamed source")
        events.changed("core.Source", [source.pk])
    shown = client.get("/api/v1/proposals/p-1/").json()["sources"]
    assert shown and {s["title"] for s in shown} == {"Renamed source"}


def test_replies_changed_on_their_own_are_traced(world):
    p = Proposal.objects.get(key="grow-1")
    reply = p.assignments.get().replies.get()
    assert public.affected("proposals.Reply", [reply.pk]) == {p.pk}
    assert public.affected("proposals.Feedback", [reply.feedback.pk]) == {p.pk}
    assert public.affected("proposals.Assignment", [reply.assignment_id]) == {p.pk}
    assert public.affected("people.Member", [1]) == set()


def test_command_renders_missing_documents(world, capsys):
    PublicProposal.objects.filter(proposal__key__in=["p-1", "grow-0"]).delete()
    call_command("api", "documents")
    assert capsys.readouterr().out.startswith("2 document(s) rendered")
    call_command("api", "documents", "--all")
    total = Proposal.objects.filter(published=True).count()
    assert capsys.readouterr().out.startswith(f"{total} document(s) rendered")


def test_stored_answers_revalidate_by_the_data_version(
    world, client, settings, django_assert_num_queries
):
    settings.LIANGHUI_API_CACHE_SECONDS = 600
    for url in ["/api/v1/proposals/?topic=ai", "/api/v1/proposals/p-1/"]:
        first = client.get(url)
        # Not kept in the response cache: the version, then the stored document again.
        with django_assert_num_queries(2):
            again = client.get(url)
        assert again.content == first.content and again["ETag"] == first["ETag"]
        with django_assert_num_queries(1):
            unchanged = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert unchanged.status_code == 304


def test_stored_searches_are_kept_in_the_response_cache(
    world, client, settings, django_assert_num_queries
):
    settings.LIANGHUI_API_CACHE_SECONDS = 600
    rebuild()
    first = client.get("/api/v1/proposals/?q=数字经济")
    with django_assert_num_queries(1):  # the version: the search is not run again
        again = client.get("/api/v1/proposals/?q=数字经济")
    assert again.content == first.content


def test_many_changed_records_are_traced_in_chunks(world, monkeypatch):
    monkeypatch.setattr(public, "AFFECTED_CHUNK", 1)
    merged, target = (Proposal.objects.get(key=k).pk for k in ("p-2", "p-1"))
    others = list(Proposal.objects.exclude(pk__in=[merged, target]).values_list("pk", flat=True))
    assert public.affected("proposals.Proposal", [*others, merged]) == {*others, merged, target}


def test_a_missed_cache_is_looked_up_once(world, client, settings, django_assert_num_queries):
    settings.LIANGHUI_API_CACHE_SECONDS = 600
    PublicProposal.objects.all().delete()
    # The data version, the look for a stored document, then the 4 of rendering.
    with django_assert_num_queries(6):
        assert client.get("/api/v1/proposals/p-1/").status_code == 200
