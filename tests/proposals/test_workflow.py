""" "Still awaiting a reply" has one definition (workflow.awaiting_reply): the
services, reminders and overdue lists, and the API's inbox give the same answer."""

import json

from django.test import Client

from lianghui.exchange.importer import import_files
from lianghui.proposals import services, supervision
from lianghui.proposals.models import Proposal


def _reply(day, rating=None):
    reply = {"category": "B", "replied_on": f"2022-{day}", "published": True}
    if rating:
        reply["feedback"] = {"rating": rating, "given_on": f"2022-{day}"}
    return reply


def _assignment(agency, replies=(), active=True):
    return {
        "agency": agency,
        "role": "joint",
        "assigned_on": "2022-04-01",
        "due_on": "2022-07-01",
        "active": active,
        "replies": list(replies),
    }


def test_services_reminders_and_inbox_agree(accounts, tmp_path):
    agencies = [f"ag-{n}" for n in range(1, 6)]
    records = [{"type": "organization", "key": a, "name_en": a, "kind": "agency"} for a in agencies]
    records.append(
        {
            "type": "proposal",
            "key": "handled",
            "session": "npc-2022",
            "kind": "npc-suggestion",
            "title_zh": "办理中",
            "submitted_on": "2022-03-06",
            "status": "assigned",
            "published": True,
            "signers": [{"member": "deputy-a"}],
            "review": {"decision": "filed", "decided_on": "2022-03-20"},
            "assignments": [
                _assignment("ag-1"),  # no reply yet
                # rated satisfied, then a later reply rated unsatisfied: reopened for it
                _assignment("ag-2", [_reply("06-01", "satisfied"), _reply("08-01", "unsatisfied")]),
                # the latest reply satisfied the proposer
                _assignment("ag-3", [_reply("06-01", "unsatisfied"), _reply("08-01", "satisfied")]),
                _assignment("ag-4", [_reply("06-01")]),  # replied, not yet rated
                _assignment("ag-5", active=False),  # transferred away
            ],
        }
    )
    path = tmp_path / "handled.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records))
    import_files([str(path)])
    proposal = Proposal.objects.get(key="handled")
    by_agency = dict(proposal.assignments.values_list("agency__key", "pk"))
    awaiting = {by_agency["ag-1"], by_agency["ag-2"]}

    assert services._awaiting_reply(proposal) == awaiting
    assert (
        set(supervision.open_assignments().filter(proposal=proposal).values_list("pk", flat=True))
        == awaiting
    )

    client = Client()
    client.force_login(accounts["admin"])
    rows = client.get("/api/v1/inbox/?limit=100").json()["results"]
    flags = {r["agency"]: r["awaiting_reply"] for r in rows if r["proposal"] == "handled"}
    assert flags == {"ag-1": True, "ag-2": True, "ag-3": False, "ag-4": False}
