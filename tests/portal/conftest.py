"""Portal fixtures: a small hand-made world imported through the JSON Lines importer,
and a way to grow it, so tests can show a page's query count does not depend on rows."""

from pathlib import Path

import pytest

from lianghui.exchange.importer import import_files

PORTAL_WORLD = Path(__file__).resolve().parent / "fixtures" / "portal.jsonl"


@pytest.fixture
def portal_world(db):
    """Sources, two bodies and sessions, agencies in a tree, members (one generated),
    a richly handled proposal (``t-rich``), a plain one, a generated one, and
    regulations with milestones, events and field-level citations."""
    return import_files([str(PORTAL_WORLD)])


def more_records(n: int, *, tag: str = "x") -> list[dict]:
    """``n`` generated members, agencies, proposals (each with several signers,
    assignments, replies, feedback, topics and citations) and regulations."""
    records: list[dict] = []
    for i in range(n):
        records.append(
            {
                "type": "organization",
                "key": f"{tag}-agency-{i}",
                "name_en": f"Bureau {tag} {i}",
                "name_zh": f"第{i}局",
                "kind": "agency",
                "level": "bureau",
                "parent": "t-cac",
                "generated": True,
                "sources": [{"source": "t-src-news", "locator": f"list {i}"}],
            }
        )
        records.append(
            {
                "type": "member",
                "key": f"{tag}-member-{i}",
                "name_en": f"Member {tag} {i}",
                "generated": True,
                "memberships": [
                    {"body": "t-npc", "group": "t-guangdong-delegation", "role": "deputy"},
                    {"body": "t-cppcc", "role": "member", "start_year": 2018},
                ],
                "affiliations": [
                    {"organization": "t-tencent", "role": "engineer", "start_year": 2010},
                    {"organization": f"{tag}-agency-{i}", "role": "adviser"},
                ],
                "sources": [{"source": "t-src-npc", "locator": f"row {i}"}],
            }
        )
    for i in range(n):
        signers = [{"member": f"{tag}-member-{i}", "role": "lead"}]
        signers += [
            {"member": f"{tag}-member-{j}", "role": "cosigner"}
            for j in range(n)
            if j != i and (j - i) % n <= 4
        ]
        signers.append({"member": "t-lei", "role": "cosigner"})
        records.append(
            {
                "type": "proposal",
                "key": f"{tag}-proposal-{i}",
                "session": "t-npc-2022",
                "kind": "t-npc-suggestion",
                "title_zh": f"生成的建议 {i}",
                "title_en": f"Generated suggestion {i}",
                "summary_en": "Generated.",
                # on t-rich's subject, so its similar proposals grow too
                "text_zh": "完善算法推荐治理。",
                "submitted_on": f"2022-03-{1 + i % 9:02d}",
                "status": "replied",
                "published": True,
                "generated": True,
                "topics": ["t-ai", "t-data", "t-labour"],
                "signers": signers,
                "review": {"decision": "filed", "decided_on": "2022-03-20"},
                "assignments": [
                    {
                        "agency": f"{tag}-agency-{i}",
                        "role": "lead",
                        "assigned_on": "2022-04-01",
                        "due_on": "2022-07-01",
                        "replies": [
                            {
                                "category": "A",
                                "replied_on": "2022-06-01",
                                "text_en": "Done.",
                                "published": True,
                                "feedback": {"rating": "satisfied"},
                            },
                            {
                                "category": "B",
                                "replied_on": "2022-06-15",
                                "text_zh": "补充答复。",
                                "published": True,
                            },
                        ],
                    },
                    {
                        "agency": "t-cac",
                        "role": "joint",
                        "assigned_on": "2022-04-01",
                        "due_on": "2022-07-01",
                        "replies": [
                            {"category": "C", "replied_on": "2022-06-20", "published": True}
                        ],
                    },
                    {
                        "agency": "t-miit",
                        "role": "assisting",
                        "assigned_on": "2022-04-02",
                        "due_on": "2022-07-02",
                    },
                ],
                "sources": [
                    {"source": "t-src-npc", "field": "title", "locator": f"item {i}"},
                    {"source": "t-src-news", "locator": f"para {i}"},
                    {"source": "t-src-gazette", "field": "status"},
                ],
            }
        )
        records.append(
            {
                "type": "regulation",
                "key": f"{tag}-regulation-{i}",
                "title_en": f"Generated rule {i}",
                "kind": "departmental_rule",
                "jurisdiction": "PRC",
                "issuers": ["t-cac", f"{tag}-agency-{i}"],
                "drafted_on": "2022-01-01",
                "published_on": "2022-06-01",
                "events": [{"date": "2022-02-01", "kind": "reading"}],
                "related_proposals": [f"{tag}-proposal-{i}", "t-rich"],
                "generated": True,
                "sources": [{"source": "t-src-news", "field": "published_on"}],
            }
        )
    return records


@pytest.fixture
def grow(portal_world):
    """Call ``grow(n)`` to import ``n`` more of everything into the world."""

    def _grow(n: int, *, tag: str = "x"):
        records = more_records(n, tag=tag)
        return import_files([], extra=iter([(f"grow-{tag}", enumerate(records, 1))]))

    return _grow
