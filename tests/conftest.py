import json
from pathlib import Path

import pytest

from lianghui.exchange.importer import import_files

SEED_FACTS = Path(__file__).resolve().parents[1] / "src/lianghui/demo/fixtures/seed_facts.jsonl"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# What pytest-django counts as a test that touches the database.
DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


def pytest_addoption(parser):
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="run only the tests that use the database: scripts/test gives this to the "
        "PostgreSQL pass, since the SQLite pass beside it runs the others",
    )


def uses_database(item) -> bool:
    return item.get_closest_marker("django_db") is not None or bool(
        DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
    )


_DROPPED = pytest.StashKey[int]()


def pytest_collection_modifyitems(config, items):
    """Tests that never open the database (text extraction, tokenisers, models trained
    from files, templates, settings) prove the same on either database: with
    --database-tests-only they run in one pass only."""
    if not config.getoption("database_tests_only"):
        return
    kept = [item for item in items if uses_database(item)]
    dropped = [item for item in items if not uses_database(item)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
    config.stash[_DROPPED] = len(dropped)


def pytest_terminal_summary(terminalreporter, config):
    if _DROPPED in config.stash:
        terminalreporter.write_line(
            f"{config.stash[_DROPPED]} tests that use no database left out "
            "(--database-tests-only: the SQLite pass runs them)"
        )


# PostgreSQL: a test rolled back leaves its rows behind as dead ones, and the
# planner's figures describe whatever an earlier test left (a demo build ANALYZEs
# thousands of rows). Without autovacuum clearing both, plans degrade as the run
# goes on: one figures query took 16 s on a few dozen rows late in the run and
# milliseconds early. So the test database is vacuumed and analysed every
# VACUUM_EVERY tests, as autovacuum would do on a served database.
VACUUM_EVERY = 60
_tests_since_vacuum = [0]


def pytest_runtest_logfinish(nodeid, location):
    _tests_since_vacuum[0] += 1
    if _tests_since_vacuum[0] < VACUUM_EVERY:
        return
    _tests_since_vacuum[0] = 0
    from django.db import connection

    if connection.vendor != "postgresql" or not connection.settings_dict["NAME"].startswith(
        "test_"
    ):
        return
    import psycopg

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as vacuum:
        vacuum.execute("VACUUM ANALYZE")


@pytest.fixture(autouse=True, scope="session")
def _no_embeddings():
    """Search by meaning is off unless a test turns it on (with a small fake model):
    the real one would embed every record the tests write."""
    from django.conf import settings

    settings.LIANGHUI_EMBEDDINGS = "off"


@pytest.fixture(autouse=True, scope="session")
def _jinja2_contexts():
    """Pages rendered by Jinja2 give their context to the test client, as Django's
    own templates do under test (``response.context``)."""
    from django.template.backends import jinja2 as backend
    from django.test import signals

    render = backend.Template.render

    def rendered(self, context=None, request=None):
        signals.template_rendered.send(sender=self, template=self, context=context or {})
        return render(self, context, request)

    backend.Template.render = rendered
    yield
    backend.Template.render = render


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    """Background jobs run inline in tests; passwords hash fast (security is not
    under test, and the default hasher costs seconds per account)."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _scratch_folders(settings, tmp_path):
    """Trained suggestion models (the demo trains some) and bulk dumps go to each
    test's scratch folder: never into the working copy's var/, nor into another
    test or the other database's run beside it."""
    settings.LIANGHUI_INSIGHTS_MODELS = tmp_path / "insights-models"
    settings.LIANGHUI_DUMPS_DIR = tmp_path / "dumps"
    settings.LIANGHUI_VECTOR_SNAPSHOTS = tmp_path / "vectors"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test's database rolls back, data version included: a cached result of
    an earlier test could carry the same version, so every test starts empty."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the site's default language. Django's locale middleware
    leaves a request's language active in the thread, so a test-client request in
    Chinese would otherwise choose what ``record.label`` and ``gettext`` give in
    the tests after it, in the same process."""
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """Whole-page caching is off in tests: writes a test rolls back never move the
    data version, so a page cached by one test could be served in the next. Tests
    of the cache turn it on, on a transactional database."""
    settings.LIANGHUI_PAGE_CACHE_SECONDS = 0


@pytest.fixture
def accounts(small_world):
    """One user per role on the small world; returns {role: user} ('anonymous' is None)."""
    from lianghui.accounts.services import account_create
    from lianghui.people.models import Member, Organization
    from lianghui.proposals.models import Body

    npc = Body.objects.get(key="npc")
    users = {
        "member": account_create(
            username="m", password="x", role="member", member=Member.objects.get(key="deputy-a")
        ),
        "other_member": account_create(
            username="m2", password="x", role="member", member=Member.objects.get(key="deputy-b")
        ),
        "office": account_create(username="o", password="x", role="office", body=npc),
        "other_office": account_create(
            username="o2", password="x", role="office", body=Body.objects.get(key="cppcc")
        ),
        "agency": account_create(
            username="a",
            password="x",
            role="agency",
            email="a@example.org",
            agency=Organization.objects.get(key="miit"),
        ),
        "other_agency": account_create(
            username="a2",
            password="x",
            role="agency",
            agency=Organization.objects.get(key="mohrss"),
        ),
        "supervisor": account_create(username="s", password="x", role="supervisor", body=npc),
        "admin": account_create(username="root", password="x", role="admin"),
        "watcher": account_create(username="w", password="x", role="watcher"),
        "anonymous": None,
    }
    return users


@pytest.fixture
def client_for(client):
    """A test client signed in as the given user (None: anonymous)."""
    from django.test import Client

    def make(user):
        c = Client()
        if user is not None:
            c.force_login(user)
        return c

    return make


@pytest.fixture
def seed_facts(db):
    """The demo's cited seed facts, loaded through the importer."""
    return import_files([str(SEED_FACTS)])


@pytest.fixture
def small_world(db):
    """A small hand-made world: two bodies, sessions, agencies, members, proposals."""
    return import_files([str(FIXTURES / "small_world.jsonl")])


@pytest.fixture
def jsonl(tmp_path):
    """Write records (dicts, or raw str/bytes lines) to a .jsonl file; return its path."""
    counter = {"n": 0}

    def write(*lines, name=None) -> str:
        counter["n"] += 1
        path = tmp_path / (name or f"import-{counter['n']}.jsonl")
        with open(path, "wb") as out:
            for line in lines:
                if isinstance(line, dict):
                    line = json.dumps(line, ensure_ascii=False)
                if isinstance(line, str):
                    line = line.encode("utf-8")
                out.write(line + b"\n")
        return str(path)

    return write
