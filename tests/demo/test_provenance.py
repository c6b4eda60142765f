"""Provenance of the demo data: every record is cited or marked generated, agencies
handle proposals only while they exist, and the sources' own figures are shown as
theirs."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction
from django.db.models import F, Q
from django.test import override_settings

from lianghui.core.models import Citation
from lianghui.laws.models import Regulation
from lianghui.people.models import Member, Organization
from lianghui.proposals.models import Assignment, Body, Proposal, ProposalKind, Session
from lianghui.search.models import SearchDocument
from lianghui.search.selectors import SearchFilters, search
from lianghui.search.services import rebuild

pytestmark = pytest.mark.django_db

# Every kind of record that states a fact. Topics are the site's own classification.
FACTUAL = (Body, ProposalKind, Session, Organization, Member, Proposal, Regulation)


def cited(model) -> set[int]:
    ct = ContentType.objects.get_for_model(model)
    return set(Citation.objects.filter(content_type=ct).values_list("object_id", flat=True))


def real(model):
    names = {f.name for f in model._meta.fields}
    if "generated" in names:
        return model.objects.filter(generated=False)
    # Records of a generated body (its kinds, its sessions) are generated with it.
    return model.objects.filter(body__generated=False) if "body" in names else model.objects.all()


@pytest.fixture(scope="module")
def _demo_once(django_db_setup, django_db_blocker, tmp_path_factory):
    # One demo for the module's read-only checks, rolled back after the last of them:
    # building it is most of this file's time. The per-test settings of conftest do
    # not reach a module's fixture, so they are set here; the worker's jobs (models,
    # dumps) are queued and rolled back with the rest.
    scratch = tmp_path_factory.mktemp("provenance")
    with (
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            LIANGHUI_INSIGHTS_MODELS=scratch / "insights-models",
            LIANGHUI_DUMPS_DIR=scratch / "dumps",
        ),
        django_db_blocker.unblock(),
    ):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            # Three years: 2020 and 2022 have seed sessions, 2021 only generated ones.
            call_command("demo", sessions=3, per_session=40, last_year=2022, seed=11, verbosity=0)
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def demo(_demo_once, db):
    return None


def test_every_record_is_cited_or_marked_generated(demo):
    for model in FACTUAL:
        uncited = real(model).exclude(pk__in=cited(model))
        assert not uncited.exists(), (
            f"{model.__name__} neither generated nor cited: "
            f"{list(uncited.values_list('key', flat=True)[:10])}"
        )
    # Reference data (ministries, delegations, sectors, committees; the 2021 sessions)
    # is cited to the source that says it is general knowledge.
    general = Citation.objects.filter(source__key="reference-general-knowledge")
    for model, key in [
        (Organization, "mca"),
        (Organization, "miit"),
        (Organization, "npc-delegation-beijing"),
        (Organization, "cppcc-sector-science"),
        (Organization, "cppcc-proposals-committee"),
        (Session, "npc-2021"),
        (Session, "cppcc-2021"),
    ]:
        ct = ContentType.objects.get_for_model(model)
        pk = model.objects.get(key=key).pk
        assert general.filter(content_type=ct, object_id=pk).exists(), key


def test_no_assignment_predates_or_outlives_its_agency(demo):
    assignments = Assignment.objects.all()
    assert assignments.exists()
    assert not assignments.filter(assigned_on__lt=F("agency__founded_on")).exists()
    assert not assignments.filter(assigned_on__gte=F("agency__dissolved_on")).exists()
    # The agencies created in 2023 exist only from then; the one they replaced ends there.
    nda, nfra, cbirc = (Organization.objects.get(key=k) for k in ("nda", "nfra", "cbirc"))
    assert nda.founded_on == dt.date(2023, 10, 25)
    assert nfra.founded_on == dt.date(2023, 5, 18) == cbirc.dissolved_on
    assert not Assignment.objects.filter(agency__in=[nda, nfra]).exists()
    assert Organization.objects.get(key="scio").name_en == "State Council Information Office"


def test_real_records_filter_returns_only_cited_records(demo):
    rebuild()
    results = search(filters=SearchFilters(generated=False), page=1, exact=True)
    assert results.total > 0
    docs = SearchDocument.objects.filter(
        pk__in=SearchDocument.objects.filter(generated=False).values("pk")
    )
    # The filter's results are the index's non-generated documents...
    assert results.total == docs.count()
    # ...and every one of them is a cited record (a reply through its proposal).
    models = {"proposal": Proposal, "member": Member, "organization": Organization}
    models["regulation"] = Regulation
    for doc_type, model in models.items():
        ids = set(docs.filter(doc_type=doc_type).values_list("object_id", flat=True))
        assert ids <= cited(model), doc_type
    replies = set(docs.filter(doc_type="reply").values_list("parent_id", flat=True))
    assert replies <= cited(Proposal)


def test_figures_the_seeds_state_are_shown_as_theirs(demo, client):
    page = client.get("/sessions/npc-2022/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "What the sources report" in page
    assert "8,993 motions and proposals" in page
    assert "About 80%" in page and "Up to 90%" in page
    # A year the seeds say nothing about shows no reported figures.
    assert "What the sources report" not in client.get("/sessions/npc-2021/").content.decode()


@pytest.mark.parametrize("model", [Body, ProposalKind])
def test_rules_no_source_states_are_labelled_assumptions(seed_facts, model):
    field = {"Body": "deadline_count", "ProposalKind": "min_cosigners"}[model.__name__]
    ct = ContentType.objects.get_for_model(model)
    assumed = Citation.objects.filter(content_type=ct, field=field, source__key="demo-assumptions")
    records = model.objects.filter(
        Q(body__key="npc", code="motion") if model is ProposalKind else Q(generated=False)
    )  # a generated body's rules are generated with it
    assert set(records.values_list("pk", flat=True)) <= set(
        assumed.values_list("object_id", flat=True)
    )


def test_a_translated_title_is_labelled_the_sites_translation_never_the_original(
    seed_facts, client
):
    """The articles give a proposal's title in English only: the Chinese title is
    this site's translation, and the page says the original is not recorded."""
    url = Proposal.objects.get(key="2022-npc-lei-jun-e-waste").get_absolute_url()
    en = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    start = en.index('id="page-title"')
    heading = en[start : en.index("</header>", start)]
    assert "Improve electronic waste recycling" in heading
    assert (
        "This site’s translation (Chinese)" in heading and "关于完善电子废弃物回收的建议" in heading
    )
    assert "Original (" not in heading
    assert "The original (Chinese) wording is not recorded" in heading
    zh = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    start = zh.index('id="page-title"')
    heading = zh[start : zh.index("</header>", start)]
    assert "关于完善电子废弃物回收的建议" in heading and "原文（" not in heading
    assert "未收录中文原文" in heading


def test_every_cited_field_reads_as_words(demo):
    # The sources list on a page says which field a citation supports: in words,
    # never the field's code (founded_on, title_zh).
    from lianghui.portal.templatetags.portal import field_label

    fields = set(Citation.objects.exclude(field="").values_list("field", flat=True))
    assert fields
    assert not [f for f in sorted(fields) if field_label(f) == f]
