"""The figures as the public reads them, over generated data: on the agency, session
and agencies pages the headline numbers equal the table's totals, the totals equal
the rows' sums and the figures module's numbers; the API and the bulk dumps publish
records that give the same figures."""

import json
import re
from html.parser import HTMLParser

import pytest
from hypothesis import given

from lianghui.api.bulk import dumps
from lianghui.people.models import Organization
from lianghui.proposals import figures
from lianghui.proposals.models import Session
from tests.proposals.figures_world import (
    AGENCIES,
    PAGES,
    SESSIONS,
    as_counts,
    expected_handling,
    load,
    rolled_back,
    today,
    worlds,
)

pytestmark = pytest.mark.django_db


class Tables(HTMLParser):
    """Every table of a page: caption, header cells, and rows by section with
    their class; cell text with its whitespace folded."""

    def __init__(self, html: str):
        super().__init__()
        self.tables: list[dict] = []
        self._cell: list[str] | None = None
        self._section = "tbody"
        self._in_caption = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.tables.append({"caption": "", "head": [], "rows": []})
        elif not self.tables:
            return
        elif tag == "caption":
            self._in_caption = True
        elif tag in ("thead", "tbody", "tfoot"):
            self._section = tag
        elif tag == "tr":
            self.tables[-1]["rows"].append((self._section, attrs.get("class") or "", []))
        elif tag in ("th", "td"):
            self._cell = []

    def handle_endtag(self, tag):
        if not self.tables:
            return
        if tag == "caption":
            self._in_caption = False
        elif tag in ("th", "td") and self._cell is not None:
            text = " ".join("".join(self._cell).split())
            section, _cls, cells = self.tables[-1]["rows"][-1]
            cells.append(text)
            if section == "thead":
                self.tables[-1]["head"].append(text)
            self._cell = None

    def handle_data(self, data):
        if self._in_caption:
            self.tables[-1]["caption"] += data
        elif self._cell is not None:
            self._cell.append(data)

    def find(self, *, caption: str = "", first_header: str = "") -> dict:
        for t in self.tables:
            if caption and caption in t["caption"]:
                return t
            if first_header and t["head"][:1] == [first_header]:
                return t
        raise AssertionError(f"no table {caption or first_header}")


def number(cell: str) -> int:
    return int(re.match(r"[\d,]+", cell).group(0).replace(",", ""))


def columns(table: dict, section: str) -> list[dict[str, str]]:
    return [
        dict(zip(table["head"], cells, strict=False))
        for s, _cls, cells in table["rows"]
        if s == section
    ]


def headline(page: str, heading_id: str) -> dict[str, int]:
    part = page[page.index(f'id="{heading_id}"') :]
    part = part[: part.index("</ul>")]
    found = re.findall(r'stat-n">([\d,]+)</span> <span class="stat-label">([^<]+)<', part)
    return {label: int(n.replace(",", "")) for n, label in found}


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# ---------------------------------------------------------------------------
# Pages reconcile


AGENCY_COLUMNS = {
    "assigned": "Assigned",
    "replied": "Replied",
    "on_time": "On time",
    "late": "Late",
    "overdue": "Overdue, unanswered",
    "pending": "Not yet due",
    "a": "A",
    "b": "B",
    "c": "C",
    "satisfied": "Satisfied",
    "basically_satisfied": "Basically satisfied",
    "unsatisfied": "Unsatisfied",
}


def check_agency_page(client, key: str) -> None:
    html = page(client, f"/organizations/{key}/")
    agency = Organization.objects.get(key=key)
    whole = figures.handling(agency=agency, by="all").get(None)
    if whole is None:
        assert "Handling per year" not in html
        return
    table = Tables(html).find(caption="Handling per year")
    (foot,) = columns(table, "tfoot")
    rows = columns(table, "tbody")
    for name, header in AGENCY_COLUMNS.items():
        # the totals line is the rows' sum and the figure itself
        assert number(foot[header]) == sum(number(r[header]) for r in rows) == getattr(whole, name)
    for r in rows + [foot]:
        assigned = number(r["Assigned"])
        assert number(r["Replied"]) <= assigned
        due = number(r["On time"]) + number(r["Late"]) + number(r["Overdue, unanswered"])
        assert due + number(r["Not yet due"]) == assigned
        assert number(r["A"]) + number(r["B"]) + number(r["C"]) == number(r["Replied"])
    top = headline(html, "assigned-heading")
    assert top["proposals"] == number(foot["Assigned"])
    assert top["replied"] == number(foot["Replied"])
    assert top["overdue, unanswered"] == number(foot["Overdue, unanswered"])
    assert (
        top["as lead unit"] + top["as joint handler"] + top["as assisting unit"]
        == (top["proposals"])
    )
    rate = whole.on_time_rate
    shown = "—" if rate is None else f"{round(rate * 100)}%"
    assert f"Over all years: {shown} of its due assignments" in html


def check_session_page(client, key: str) -> None:
    html = page(client, f"/sessions/{key}/")
    tables = Tables(html)
    top = headline(html, "counts-heading")
    funnel = figures.session_funnel(session=Session.objects.get(key=key))
    assert top["submitted"] == funnel.submitted
    if top["published"]:
        by_status = tables.find(first_header="Status")
        by_kind = tables.find(first_header="Kind")
        for t in (by_status, by_kind):
            (foot,) = columns(t, "tfoot")
            body = columns(t, "tbody")
            assert number(foot["Proposals"]) == sum(number(r["Proposals"]) for r in body)
            assert number(foot["Proposals"]) == top["published"]
    if not funnel.submitted:
        return
    flow = tables.find(caption="Proposals at each stage")
    rows = [(cls, dict(zip(flow["head"], c, strict=False))) for s, cls, c in flow["rows"]]
    rows = [(cls, r) for cls, r in rows if "Stage" in r and r["Stage"] != "Stage"]
    counts = [(cls, number(r["Proposals"])) for cls, r in rows]
    submitted = counts[0][1]
    branches = sum(n for cls, n in counts if cls == "branch")
    reasons = sum(n for cls, n in counts if "reason" in cls)
    not_filed = next(number(r["Proposals"]) for _c, r in rows if "Not filed" in r["Stage"])
    filed = next(number(r["Proposals"]) for _c, r in rows if r["Stage"] == "Filed")
    assert submitted == top["submitted"] == branches + filed
    assert reasons == not_filed == funnel.not_filed


def check_agencies_page(client, session: str = "") -> None:
    html = page(client, "/agencies/" + (f"?session={session}" if session else ""))
    scope = Session.objects.get(key=session) if session else None
    whole = figures.handling(by="all", session=scope).get(None)
    if whole is None:
        return
    table = Tables(html).find(caption="Agencies compared")
    (foot,) = columns(table, "tfoot")
    rows = columns(table, "tbody")
    for name, header in [
        ("assigned", "Assigned"),
        ("replied", "Replied"),
        ("overdue", "Overdue, unanswered"),
        ("a", "Category A"),
    ]:
        assert number(foot[header]) == sum(number(r[header]) for r in rows) == getattr(whole, name)
    for r in rows:
        assert number(r["Replied"]) <= number(r["Assigned"])
        on_time, due = re.search(r"(\d+)/(\d+)", r["On time"]).groups()
        assert int(on_time) <= int(due) <= number(r["Assigned"])


@PAGES
@given(world=worlds(max_size=5))
def test_headlines_equal_the_tables_totals_on_every_figures_page(client, portal_world, world):
    with rolled_back():
        load(world)
        for key in AGENCIES:
            check_agency_page(client, key)
        for key in SESSIONS:
            check_session_page(client, key)
        check_agencies_page(client)
        check_agencies_page(client, "t-npc-2021")


def test_the_fixture_pages_reconcile(client, portal_world):
    for key in AGENCIES:
        check_agency_page(client, key)
    check_session_page(client, "t-npc-2022")
    check_agencies_page(client)


# ---------------------------------------------------------------------------
# Portal, API and bulk data agree


def api_proposals(client, session: str) -> list[dict]:
    url = f"/api/v1/proposals/?session={session}&include=assignments&limit=500"
    out = []
    while url:
        response = client.get(url, HTTP_ACCEPT="application/json")
        assert response.status_code == 200, response.content
        body = response.json()
        out += body["results"]
        url = body["next"]
    for p in out:
        p["session"] = session
        p["published"] = True  # the public sees published proposals only
    return out


def dump_proposals(session: str) -> list[dict]:
    dumps.build_session(session)
    path = dumps.dumps_dir() / session / dumps.RECORDS
    out = [json.loads(line) for line in path.read_text().splitlines()]
    for p in out:
        p["published"] = True  # a session dump holds published proposals only
    return out


def agreed(client, session: str) -> None:
    scope = Session.objects.get(key=session)
    keys = dict(Organization.objects.values_list("pk", "key"))
    portal = {keys[pk]: h for pk, h in figures.handling(session=scope).items()}
    portal = as_counts(portal)
    on = today()
    from_api = expected_handling(api_proposals(client, session), public=True, by="agency", on=on)
    from_dump = expected_handling(dump_proposals(session), public=True, by="agency", on=on)
    assert portal == from_api == from_dump
    # the session's published count: API, page headline and status table
    api_count = client.get(f"/api/v1/sessions/{session}/", HTTP_ACCEPT="application/json")
    top = headline(page(client, f"/sessions/{session}/"), "counts-heading")
    assert api_count.json()["proposal_count"] == top["published"]


@PAGES
@given(world=worlds(max_size=5))
def test_portal_api_and_bulk_data_give_the_same_figures(client, portal_world, world):
    with rolled_back():
        load(world)
        for session in SESSIONS:
            agreed(client, session)
