"""One scope in which a body's terms are read once: a request, a worker's task, the
demo's generator (``vocabulary.cached()``); a write to terms or kinds within it
is seen at once."""

import pytest
from django.db import connection
from django.http import HttpResponse
from django.tasks import task
from django.test.utils import CaptureQueriesContext

from lianghui.proposals import vocabulary
from lianghui.proposals.models import Body, ProposalKind, Term
from tests.workers import run_worker

TERMS = vocabulary.Term._meta.db_table


def _term_reads(queries) -> int:
    return sum(1 for q in queries if f'FROM "{TERMS}"' in q["sql"] and "COUNT" not in q["sql"])


@pytest.mark.django_db
def test_a_request_is_one_scope_and_a_block_within_it_shares_it(
    small_world, django_assert_num_queries
):
    npc = Body.objects.get(key="npc")

    def view(request):
        for _ in range(3):
            vocabulary.label(npc, vocabulary.REPLY_CATEGORY, "A")
            with vocabulary.cached():  # a service's own block, within the request
                vocabulary.codes(npc, vocabulary.SATISFACTION)
        return HttpResponse("ok")

    with django_assert_num_queries(1):
        vocabulary.RequestCache(view)(None)
    with django_assert_num_queries(2):  # the scope ended with the request
        vocabulary.label(npc, vocabulary.REPLY_CATEGORY, "A")
        vocabulary.label(npc, vocabulary.REPLY_CATEGORY, "A")


@pytest.mark.django_db
def test_terms_and_kinds_written_within_a_scope_are_seen_at_once(small_world):
    npc = Body.objects.get(key="npc")
    with vocabulary.cached():
        assert vocabulary.codes(npc, vocabulary.REPLY_CATEGORY) == ["A", "B", "C"]
        kind = ProposalKind.objects.first()
        assert vocabulary.body_of_kind(kind.pk) == kind.body_id
        # as the admin's inline or a shell writes them
        term = Term.objects.create(
            body=npc, vocabulary=vocabulary.REPLY_CATEGORY, code="D", label_en="Deferred", order=9
        )
        assert vocabulary.codes(npc, vocabulary.REPLY_CATEGORY) == ["A", "B", "C", "D"]
        term.label_en = "Postponed"
        term.save()
        assert vocabulary.label(npc, vocabulary.REPLY_CATEGORY, "D") == "Postponed"
        term.delete()
        assert vocabulary.codes(npc, vocabulary.REPLY_CATEGORY) == ["A", "B", "C"]
        new = ProposalKind.objects.create(body=npc, key="npc-question", code="question")
        assert vocabulary.body_of_kind(new.pk) == npc.pk
        other = Body.objects.create(key="other", name_en="Other")
        assert not vocabulary.has(other, vocabulary.REPLY_CATEGORY)
        vocabulary.vocabulary_defaults_copy(body=other)
        assert vocabulary.codes(other, vocabulary.REPLY_CATEGORY) == ["A", "B", "C"]


@task
def label_replies(body_id: int) -> int:
    """A job that labels records one at a time, as producers and renderers do."""
    for code in ("A", "B", "C") * 3:
        vocabulary.label(body_id, vocabulary.REPLY_CATEGORY, code)
    return 9


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_each_job_in_one_scope(small_world, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    npc = Body.objects.get(key="npc")
    with CaptureQueriesContext(connection) as unscoped:
        label_replies.call(npc.pk)
    assert _term_reads(unscoped.captured_queries) == 9  # one per label outside a scope
    label_replies.enqueue(npc.pk)
    label_replies.enqueue(npc.pk)
    with CaptureQueriesContext(connection) as worker:
        run_worker("scope")
    assert _term_reads(worker.captured_queries) == 2  # once per job


@pytest.mark.django_db
def test_a_proposal_s_page_brings_its_body_s_words_in_its_own_row(small_world, client):
    npc = Body.objects.get(key="npc")
    Term.objects.filter(body=npc, vocabulary=vocabulary.REPLY_CATEGORY, code="A").update(
        label_en="Taken up in full"
    )
    Term.objects.filter(body=npc, vocabulary=vocabulary.SATISFACTION, code="satisfied").update(
        label_en="Content"
    )
    client.get("/proposals/p-1/", HTTP_ACCEPT_LANGUAGE="en")  # warm caches (content types)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/proposals/p-1/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert _term_reads(queries) == 0, "the terms came with the proposal's row"
    page = response.content.decode()
    assert "Taken up in full" in page
    assert "Content" in page


@pytest.mark.django_db
def test_a_body_s_words_given_to_a_scope_are_used_until_a_write(small_world):
    npc = Body.objects.get(key="npc")
    with vocabulary.cached():
        with connection.cursor() as cursor:
            sql, values = vocabulary.BODY_TERMS.rows_column(npc.pk)
            cursor.execute(f"SELECT {sql}", values)
            rows = cursor.fetchone()[0]
        vocabulary.seed(npc.pk, rows)
        with CaptureQueriesContext(connection) as queries:
            assert vocabulary.codes(npc, vocabulary.REPLY_CATEGORY) == ["A", "B", "C"]
        assert len(queries) == 0
        term = Term.objects.get(body=npc, vocabulary=vocabulary.REPLY_CATEGORY, code="A")
        term.label_en = "Postponed"
        term.save()  # drops the scope's copies, the seeded one too
        with CaptureQueriesContext(connection) as queries:
            assert vocabulary.label(npc, vocabulary.REPLY_CATEGORY, "A") == "Postponed"
        assert _term_reads(queries) == 1


@pytest.mark.django_db(transaction=True)
def test_a_term_renamed_through_the_model_shows_on_a_cached_page_at_once(
    small_world, client, settings
):
    settings.LIANGHUI_PAGE_CACHE_SECONDS = 600
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    npc = Body.objects.get(key="npc")
    term = Term.objects.get(body=npc, vocabulary=vocabulary.REPLY_CATEGORY, code="A")
    before = client.get("/proposals/p-1/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert term.label_en in before
    term.label_en = "Taken up in full"  # as the admin's body page saves its terms
    term.save()
    after = client.get("/proposals/p-1/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Taken up in full" in after
