"""A refused request changes nothing, and every channel refuses the same things.

Each case is one request (through the API or the desk) that must be refused; the
walk asserts the refusal and that no proposal, review, signature, assignment or
audit entry changed. The rules themselves (who may sign where, which proposal can
carry a merge) live in the services; the cases reach them through each channel.
"""

import datetime as dt

import pytest

from lianghui.core.models import AuditEntry
from lianghui.people.models import Member
from lianghui.proposals import services
from lianghui.proposals.models import (
    Assignment,
    Proposal,
    ProposalKind,
    Review,
    Session,
    Signer,
)

pytestmark = pytest.mark.django_db
DAY = dt.date(2022, 3, 7)


def _state():
    return (
        sorted(Proposal.objects.values_list("key", "status", "published", "merged_into", "is_key")),
        Review.objects.count(),
        Signer.objects.count(),
        Assignment.objects.count(),
        AuditEntry.objects.count(),
    )


def _draft(key, lead="deputy-a"):
    return services.proposal_create(
        session=Session.objects.get(key="npc-2022"),
        kind=ProposalKind.objects.get(key="npc-suggestion"),
        key=key,
        title_zh="拒绝测试",
        lead_member=Member.objects.get(key=lead),
    )


def _submitted(key):
    p = _draft(key)
    services.proposal_submit(proposal=p, on=DAY)
    return p


def _under_review(key):
    p = _submitted(key)
    services.proposal_start_review(proposal=p)
    return p


def _api(api, role, url, body):
    return api(role).post(url, body, format="json").status_code


def _desk(client_for, accounts, role, url, body):
    return client_for(accounts[role]).post(url, body).status_code


def _review_api(key, **body):
    return lambda api, **_: _api(api, "office", f"/api/v1/proposals/{key}/review/", body)


def _review_desk(key, **body):
    data = {"action": "review", **{f"review-{k}": v for k, v in body.items()}}
    return lambda client_for, accounts, **_: _desk(
        client_for, accounts, "office", f"/desk/office/proposals/{key}/", data
    )


def _create_api(**body):
    return lambda api, **_: _api(api, "member", "/api/v1/proposals/", body)


# name -> (prepare(), request(**fixtures) -> status code, expected codes)
CASES = {
    "api: not filed without a reason": (
        lambda: _submitted("r-1"),
        _review_api("r-1", decision="not_filed"),
        {400},
    ),
    "desk: not filed without a reason": (
        lambda: _submitted("r-1"),
        _review_desk("r-1", decision="not_filed"),
        {200},
    ),
    "api: merged into itself": (
        lambda: _submitted("r-1"),
        _review_api("r-1", decision="merged", merged_into="r-1"),
        {400},
    ),
    "desk: merged into itself": (
        lambda: _submitted("r-1"),
        _review_desk("r-1", decision="merged", merged_into="r-1"),
        {200},
    ),
    "api: merged into a proposal under review": (
        lambda: (_submitted("r-1"), _under_review("r-2")),
        _review_api("r-1", decision="merged", merged_into="r-2"),
        {400},
    ),
    "desk: merged into a draft": (
        lambda: (_submitted("r-1"), _draft("r-2")),
        _review_desk("r-1", decision="merged", merged_into="r-2"),
        {200},
    ),
    "api: merged into a merged proposal": (
        lambda: _submitted("r-1"),
        _review_api("r-1", decision="merged", merged_into="p-2"),
        {400},
    ),
    "api: merged into a proposal of another body": (
        lambda: _submitted("r-1"),
        _review_api("r-1", decision="merged", merged_into="cppcc-filed"),
        {400},
    ),
    "api: filed, naming a proposal to merge into": (
        lambda: _submitted("r-1"),
        _review_api("r-1", decision="filed", merged_into="p-1"),
        {400},
    ),
    "api: filed, with a not-filed reason": (
        lambda: _submitted("r-1"),
        _review_api("r-1", decision="filed", reason="duplicate"),
        {400},
    ),
    "api: an NPC deputy drafts in a CPPCC session": (
        lambda: None,
        _create_api(session="cppcc-2022", kind="cppcc-proposal", title_zh="越界"),
        {400},
    ),
    "api: a co-signer without a seat in the body": (
        lambda: None,
        _create_api(
            session="npc-2022", kind="npc-suggestion", title_zh="越界", cosigners=["cppcc-only"]
        ),
        {400},
    ),
    "desk: a co-signer without a seat in the body": (
        lambda: None,
        lambda client_for, accounts, **_: _desk(
            client_for,
            accounts,
            "member",
            "/desk/member/new/",
            {
                "session": Session.objects.get(key="npc-2022").pk,
                "kind": ProposalKind.objects.get(key="npc-suggestion").pk,
                "title_zh": "越界",
                "cosigners": [Member.objects.get(key="cppcc-only").pk],
            },
        ),
        {200},
    ),
    "api: submitting a draft whose lead has no seat in the body now": (
        lambda: (
            _draft("r-1"),
            Member.objects.get(key="deputy-a").memberships.update(
                body=Session.objects.get(key="cppcc-2022").body
            ),
        ),
        lambda api, **_: _api(api, "member", "/api/v1/proposals/r-1/submit/", {}),
        {400},
    ),
    "api: a text past its size limit": (
        lambda: None,
        _create_api(
            session="npc-2022", kind="npc-suggestion", title_zh="长", text_zh="字" * 200_001
        ),
        {400},
    ),
    "api: a key holding a lone surrogate": (
        lambda: None,
        lambda api, **_: (
            api("member")
            .post(
                "/api/v1/proposals/",
                '{"session": "\\ud800", "kind": "npc-suggestion", "title_zh": "x"}',
                content_type="application/json",
            )
            .status_code
        ),
        {400},
    ),
}


@pytest.fixture
def cppcc(small_world, tmp_path):
    """A CPPCC-only member and a filed CPPCC proposal beside the small world."""
    import json

    from lianghui.exchange.importer import import_files

    path = tmp_path / "cppcc.jsonl"
    records = [
        {"type": "member", "key": "cppcc-only", "name_zh": "委员丙",
         "memberships": [{"body": "cppcc"}]},
        {
            "type": "proposal", "key": "cppcc-filed", "session": "cppcc-2022",
            "kind": "cppcc-proposal", "title_zh": "政协提案", "status": "filed",
            "published": True, "signers": [{"member": "cppcc-only"}],
            "review": {"decision": "filed"},
        },
    ]  # fmt: skip
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n")
    import_files([str(path)])


@pytest.mark.parametrize("case", list(CASES))
def test_a_refused_request_changes_nothing(cppcc, accounts, api, client_for, case):
    prepare, request, refused = CASES[case]
    prepare()
    before = _state()
    status = request(api=api, client_for=client_for, accounts=accounts)
    assert status in refused, case
    assert _state() == before, case
