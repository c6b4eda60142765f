"""My data: the archive holds everything about the person (checked against every
model that points at the user), the profile can be corrected, and deleting an
account leaves no personal data anywhere while the public record stays."""

import datetime as dt
import io
import json
import pickle
import zipfile

import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client

from lianghui.accounts import mydata
from lianghui.accounts.models import Personalisation
from lianghui.accounts.personalisation import allowed, personalisation_set
from lianghui.accounts.services import account_create
from lianghui.api.models import IdempotentRequest, Token
from lianghui.api.tokens.services import token_create
from lianghui.core.models import AuditEntry, Change
from lianghui.following import services as following
from lianghui.following.models import Follow
from lianghui.insights.models import SuggestionDecision
from lianghui.insights.services import suggestion_decide
from lianghui.people.models import Member, Organization
from lianghui.proposals import services as proposals
from lianghui.proposals.models import (
    Feedback,
    ProposalKind,
    Reply,
    ReplyDraft,
    Review,
    Session,
    Signer,
)

pytestmark = pytest.mark.django_db
D = dt.date
PASSWORD = "a-Long-enough-pass-2026"
ROLES = ["watcher", "member", "office", "agency", "supervisor", "admin"]


def marks(role: str) -> dict[str, str]:
    """Personal data that appears nowhere else, to look for after deletion."""
    return {
        "username": f"qzx-{role}-user",
        "email": f"qzx-{role}@mail.example",
        "first_name": f"Qzxgiven{role}",
        "last_name": f"Qzxfamily{role}",
        "agent": f"QzxBrowser/{role}",
    }


@pytest.fixture
def people(small_world):
    npc = {"body": _body("npc")}
    attach = {
        "watcher": {},
        "member": {"member": Member.objects.get(key="deputy-a")},
        "office": npc,
        "agency": {"agency": Organization.objects.get(key="miit")},
        "supervisor": npc,
        "admin": {},
    }
    out = {}
    for role in ROLES:
        m = marks(role)
        user = account_create(
            username=m["username"], password=PASSWORD, role=role, email=m["email"], **attach[role]
        )
        user.first_name, user.last_name = m["first_name"], m["last_name"]
        user.save()
        out[role] = user
    # another administrator, so that the one under test may leave
    account_create(username="root2", password="x", role="admin")
    return out


def _body(key):
    from lianghui.proposals.models import Body

    return Body.objects.get(key=key)


@pytest.fixture
def handled(people):
    """A proposal by the member, filed by the office, answered by the agency and
    rated by the member; a second one assigned with a draft reply."""
    made = []
    for n in range(2):
        p = proposals.proposal_create(
            session=Session.objects.get(key="npc-2022"),
            kind=ProposalKind.objects.get(key="npc-suggestion"),
            key=f"mine-{n}",
            title_zh=f"关于数据权利的建议 {n}",
            lead_member=Member.objects.get(key="deputy-a"),
            actor=people["member"],
        )
        proposals.proposal_submit(proposal=p, on=D(2022, 3, 6), actor=people["member"])
        proposals.proposal_review(
            proposal=p, decision="filed", on=D(2022, 3, 20), actor=people["office"]
        )
        a = proposals.proposal_assign(
            proposal=p,
            agency=Organization.objects.get(key="miit"),
            role="lead",
            on=D(2022, 3, 25),
            actor=people["office"],
        )
        made.append((p, a))
    (p0, a0), (p1, a1) = made
    reply = proposals.reply_create(
        assignment=a0, category="A", on=D(2022, 5, 1), actor=people["agency"]
    )
    proposals.feedback_give(
        reply=reply,
        rating="satisfied",
        on=D(2022, 5, 9),
        comment="答复及时",
        actor=people["member"],
    )
    proposals.reply_draft_save(
        assignment=a1, category="B", text_zh="正在办理", actor=people["agency"]
    )
    suggestion_decide(
        proposal=p1,
        kind="agency",
        decision="accepted",
        suggested="miit",
        actor=people["office"],
    )
    return made


def use_everything(user, role):
    """What a person leaves behind by using the site: sign-ins (and a failed one),
    a session, follows, a saved search, a digest, a token, a remembered API
    request, an admin change message."""
    m = marks(role)
    c = Client(HTTP_USER_AGENT=m["agent"])
    c.post("/accounts/login/", {"username": m["username"], "password": "wrong"})
    assert (
        c.post("/accounts/login/", {"username": m["username"], "password": PASSWORD}).status_code
        == 302
    )
    Client(HTTP_USER_AGENT=m["agent"]).post(
        "/accounts/login/", {"username": m["username"], "password": "wrong again"}
    )
    following.follow_create(user=user, target="member", key="deputy-b")
    following.follow_create(user=user, target="search", key=f"q={m['first_name']}")
    following.digest_set(user=user, frequency="daily")
    personalisation_set(user=user, enabled=False)
    token_create(user=user, name=f"script of {m['first_name']}")
    IdempotentRequest.objects.create(
        user=user, key=f"{m['username']}-1", request_hash="0" * 64, status=201, body={"ok": 1}
    )
    LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(Member),
        object_id="1",
        object_repr=f"edited by {m['first_name']}",
        action_flag=ADDITION,
    )
    return c


# --- the archive ------------------------------------------------------------------------


def _user_relations() -> set[str]:
    User = get_user_model()
    found = set()
    for model in apps.get_models(include_auto_created=True):
        for f in model._meta.get_fields():
            if f.concrete and f.is_relation and f.related_model is User:
                found.add(f"{model._meta.label}.{f.name}")
    return found


def _covered() -> set[str]:
    return {c for t in mydata.TABLES for c in t.covers}


def test_every_relation_to_the_user_is_archived_or_explained():
    missing = _user_relations() - _covered() - set(mydata.NOT_PERSONAL)
    assert not missing, f"neither in the archive nor explained: {sorted(missing)}"
    assert all(mydata.NOT_PERSONAL.values()), "each exception needs its reason"


def test_sign_in_history_and_sessions_are_archived_by_name():
    """No foreign key points from them to the user: they are covered by name."""
    for model in apps.get_app_config("axes").get_models():
        assert model._meta.label in _covered()
    assert "sessions.Session" in _covered()


def _archive(user) -> tuple[dict, zipfile.ZipFile]:
    zf = zipfile.ZipFile(io.BytesIO(mydata.archive(user)))
    return json.loads(zf.read("data.json")), zf


@pytest.mark.parametrize("role", ROLES)
def test_the_archive_holds_every_row_about_the_person(people, handled, role):
    user = people[role]
    use_everything(user, role)
    data, zf = _archive(user)
    tables = data["tables"]
    assert set(tables) == {t.name for t in mydata.TABLES}
    assert {n for n in zf.namelist() if n.endswith(".csv")} == {f"{t}.csv" for t in tables}
    # Row for row against the tables that point at the user.
    by_relation: dict[str, int] = {}
    for t in mydata.TABLES:
        for c in t.covers:
            if c.count(".") == 2:
                by_relation[c] = by_relation.get(c, 0) + len(tables[t.name])
    for relation, archived in by_relation.items():
        app_model, field = relation.rsplit(".", 1)
        held = apps.get_model(app_model).objects.filter(**{field: user}).count()
        assert archived == held, relation
    m = marks(role)
    assert tables["account"][0]["email"] == m["email"]
    # a flag, never the hash
    assert "password" not in tables["account"][0] and tables["account"][0]["has_password"]
    assert user.password not in json.dumps(tables)
    assert len(tables["sign_ins"]) == 1 and tables["sign_ins"][0]["user_agent"] == m["agent"]
    # the failure before the sign-in was reset by it; the one after is kept
    assert len(tables["sign_in_lockouts"]) == 1
    assert len(tables["sessions"]) == 1
    assert [r["key"] for r in tables["saved_searches"]] == [f"q={m['first_name']}"]
    assert "key_hash" not in tables["api_tokens"][0]
    assert tables["mail_consents"][0]["kind"] == "digests"
    if role == "member":
        assert {r["proposal__key"] for r in tables["proposals_signed"]} >= {"mine-0", "mine-1"}
        assert tables["ratings_given"][0]["comment"] == "答复及时"
    if role in {"member", "office", "agency"}:
        assert tables["staff_actions"], "what they did on the record"
    # CSV: one per table, UTF-8 with a byte-order mark, Chinese intact
    signed = zf.read("staff_actions.csv").decode("utf-8")
    assert signed.startswith("\ufeff")
    if role == "member":
        assert "答复及时" in zf.read("ratings_given.csv").decode("utf-8")


def test_the_page_lists_the_data_and_downloads_it(people, handled):
    c = Client()
    c.force_login(people["member"])
    page = c.get("/accounts/my-data/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Proposals signed" in text and "/accounts/my-data/archive.zip" in text
    assert "Stays, as the public record" in text  # the retention rule, before deleting
    download = c.get("/accounts/my-data/archive.zip")
    assert download["Content-Type"] == "application/zip"
    assert "attachment" in download["Content-Disposition"]
    assert "no-store" in download["Cache-Control"]
    assert "data.json" in zipfile.ZipFile(io.BytesIO(download.content)).namelist()
    c.cookies.load({"django_language": "zh-hans"})
    assert "我的数据" in c.get("/accounts/my-data/").content.decode()


def test_the_profile_is_corrected_and_a_bad_email_keeps_the_input(people):
    c = Client()
    c.force_login(people["watcher"])
    bad = c.post(
        "/accounts/my-data/",
        {"first_name": "Lin", "last_name": "Wei", "email": "not an address"},
    )
    assert bad.status_code == 400
    text = bad.content.decode()
    assert 'value="Lin"' in text and 'value="not an address"' in text
    assert "Enter a valid email address." in text
    people["watcher"].refresh_from_db()
    assert people["watcher"].first_name == marks("watcher")["first_name"]
    good = c.post(
        "/accounts/my-data/", {"first_name": "Lin", "last_name": "Wei", "email": "lin@example.org"}
    )
    assert good.status_code == 302
    people["watcher"].refresh_from_db()
    assert (people["watcher"].first_name, people["watcher"].email) == ("Lin", "lin@example.org")


# --- erasure ----------------------------------------------------------------------------


def _text_anywhere(needles: list[str]) -> list[str]:
    """Every table of the database, read raw (search index and its full-text
    tables, outbox, task results, sessions, sign-in logs included): where do the
    needles appear?"""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if "_fts_" in table or table.endswith(("_data", "_idx", "_docsize", "_config")):
                continue  # FTS5's shadow tables: their content is in the FTS table itself
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                text = " ".join(
                    bytes(v).decode("utf-8", "replace")
                    if isinstance(v, bytes | memoryview)
                    else str(v)
                    for v in row
                )
                found += [f"{table}: {n}" for n in needles if n.lower() in text.lower()]
    return found


def _in_cache(needles: list[str]) -> list[str]:
    store = getattr(cache, "_cache", {})
    blobs = [
        str(k).encode() + (v if isinstance(v, bytes) else pickle.dumps(v)) for k, v in store.items()
    ]
    return [n for n in needles if any(n.lower().encode() in b.lower() for b in blobs)]


@pytest.mark.parametrize("role", ROLES)
def test_after_deletion_no_personal_data_remains(people, handled, role, tmp_path, settings):
    user = people[role]
    m = marks(role)
    c = use_everything(user, role)
    c.get("/following/")  # a page rendered for them
    needles = list(m.values())
    assert _text_anywhere(needles), "the markers are there before"
    # Dumps built while the account existed: they must not hold it either, since
    # nothing rebuilds them for an account's deletion.
    settings.LIANGHUI_DUMPS_DIR = tmp_path / "dumps-before"
    call_command("dumps", "build", verbosity=0)
    pk = user.pk
    page = c.post("/accounts/my-data/delete/", {"password": PASSWORD, "confirm": "on"}, follow=True)
    assert page.redirect_chain[-1][0] == "/accounts/deleted/"
    assert not get_user_model().objects.filter(pk=pk).exists()
    for relation in _user_relations():  # every table that references a user
        app_model, field = relation.rsplit(".", 1)
        model = apps.get_model(app_model)
        assert not model.objects.filter(**{f"{field}_id": pk}).exists(), relation
    assert _text_anywhere(needles) == []
    assert _in_cache(needles) == []
    from django.contrib.sessions.models import Session as DjangoSession

    assert not [
        s for s in DjangoSession.objects.all() if s.get_decoded().get("_auth_user_id") == str(pk)
    ]
    # derived copies and dumps: rebuilt, nothing of theirs either
    call_command("search", "reindex", verbosity=0)
    assert _text_anywhere(needles) == []
    settings.LIANGHUI_DUMPS_DIR = tmp_path / "dumps"
    call_command("dumps", "build", verbosity=0)
    assert any((tmp_path / "dumps-before").rglob("*.jsonl*"))
    call_command(
        "export", "--format", "jsonl", "--output", str(tmp_path / "all.jsonl"), verbosity=0
    )
    for path in tmp_path.rglob("*"):
        if path.is_file():
            body = path.read_bytes().lower()
            assert not [n for n in needles if n.lower().encode() in body], path
    # the feeds of what they followed (a saved search's feed is its query: anyone's)
    for feed in ("/feeds/members/deputy-b/", "/feeds/members/deputy-a/"):
        body = Client().get(feed).content.decode().lower()
        assert not [n for n in needles if n.lower() in body], feed
    # the signed-out visitor can no longer sign in
    again = Client().post("/accounts/login/", {"username": m["username"], "password": PASSWORD})
    assert again.status_code == 200  # the form again: no such account


def test_a_members_public_record_stays_and_the_audit_keeps_role_and_anonymous_actor(
    people, handled
):
    member = people["member"]
    before = AuditEntry.objects.filter(actor=member).count()
    assert before > 0
    mydata.erase(user=member)
    assert Member.objects.filter(key="deputy-a").exists()  # the public figure
    assert Signer.objects.filter(proposal__key="mine-0", member__key="deputy-a").exists()
    assert Feedback.objects.filter(reply__assignment__proposal__key="mine-0").exists()
    labels = set(
        AuditEntry.objects.filter(actor_label__startswith="erased-member-").values_list(
            "actor_label", flat=True
        )
    )
    assert len(labels) == 1  # one label for the person: their entries still read as one actor's
    assert AuditEntry.objects.filter(actor_label__in=labels).count() == before
    assert not AuditEntry.objects.filter(actor_label=marks("member")["username"]).exists()


def test_an_officials_decisions_stay_without_their_name(people, handled):
    office, agency = people["office"], people["agency"]
    mydata.erase(user=office)
    mydata.erase(user=agency)
    assert Review.objects.filter(proposal__key="mine-0", decision="filed").exists()
    assert Reply.objects.filter(assignment__proposal__key="mine-0").exists()
    assert ReplyDraft.objects.get(assignment__proposal__key="mine-1").updated_by is None
    assert SuggestionDecision.objects.get(proposal__key="mine-1").user is None
    assert AuditEntry.objects.filter(actor_label__startswith="erased-office-").exists()
    assert AuditEntry.objects.filter(actor_label__startswith="erased-agency-").exists()
    assert not AuditEntry.objects.filter(
        actor__isnull=False, actor_label__in=["qzx-office-user"]
    ).exists()


def test_a_watchers_account_is_erased_whole_and_the_change_stream_hears_of_it(people):
    watcher = people["watcher"]
    use_everything(watcher, "watcher")
    pk = watcher.pk
    Change.objects.all().delete()
    done = mydata.erase(user=watcher)
    assert done["following.Follow"] == 2 and done["api.Token"] == 1
    assert not Follow.objects.filter(user_id=pk).exists()
    assert not Token.objects.filter(user_id=pk).exists()
    assert any(pk in c.ids for c in Change.objects.filter(label="auth.User"))


def test_deletion_asks_for_the_password_and_explains_first(people):
    c = Client()
    c.force_login(people["watcher"])
    page = c.get("/accounts/my-data/delete/")
    assert "Nothing else of yours remains." in page.content.decode()
    wrong = c.post("/accounts/my-data/delete/", {"password": "nope", "confirm": "on"})
    assert wrong.status_code == 400 and "This is not your password." in wrong.content.decode()
    unconfirmed = c.post("/accounts/my-data/delete/", {"password": PASSWORD})
    assert unconfirmed.status_code == 400
    assert get_user_model().objects.filter(pk=people["watcher"].pk).exists()


def test_the_last_administrator_cannot_leave(people):
    get_user_model().objects.filter(username="root2").delete()
    c = Client()
    c.force_login(people["admin"])
    page = c.post("/accounts/my-data/delete/", {"password": PASSWORD, "confirm": "on"})
    assert page.status_code == 400
    assert "last administrator" in page.content.decode()
    assert get_user_model().objects.filter(pk=people["admin"].pk).exists()


def test_the_page_costs_the_same_whatever_the_person_holds(
    people, handled, django_assert_max_num_queries
):
    """One query per table of the archive, and a few for the page itself."""
    member = people["member"]
    use_everything(member, "member")
    c = Client()
    c.force_login(member)
    with django_assert_max_num_queries(len(mydata.TABLES) + 12):
        assert c.get("/accounts/my-data/").status_code == 200


# --- personalisation -----------------------------------------------------------------


def test_the_page_says_what_is_personalised_and_the_switch_is_kept(people, client_for):
    user = people["watcher"]
    c = client_for(user)
    html = c.get("/accounts/my-data/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # Every ranked or recommended output is listed, none uses data about the person,
    # and the page says that no interest profile is kept.
    for key in ("similar_proposals", "search_ranking", "agency_routing"):
        assert f'href="/algorithms/#{key}"' in html
    assert "no: the same for everyone" in html and "We keep no interest profile" in html
    assert allowed(user)
    r = c.post("/accounts/my-data/personalisation/", {})
    assert r.status_code == 302 and r["Location"].endswith("#personalisation")
    assert not allowed(user)
    assert (
        mydata.TABLES
        and {t.name: t.rows(user) for t in mydata.TABLES}["personalisation"][0]["enabled"] is False
    )
    c.post("/accounts/my-data/personalisation/", {"enabled": "on"})
    assert allowed(user) and Personalisation.objects.get(user=user).enabled
    zh = c.get("/accounts/my-data/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "我们不保存关于您的兴趣画像" in zh
    assert not allowed(None)
