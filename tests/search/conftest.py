"""A small bilingual world for search: two bodies and years, agencies, a delegation
and a sector group, proposals in Chinese and English with replies of each
category, an unpublished proposal, generated records and regulations."""

import pytest

from lianghui.exchange.importer import import_files


def _p(
    key,
    session,
    kind,
    *,
    zh="",
    en="",
    text_zh="",
    text_en="",
    status="replied",
    published=True,
    topics=(),
    lead="m-ma",
    cosigners=(),
    is_key=False,
    generated=False,
    submitted="2022-03-06",
    replies=(),
):
    rec = {
        "type": "proposal",
        "key": key,
        "session": session,
        "kind": kind,
        "title_zh": zh,
        "title_en": en,
        "text_zh": text_zh,
        "text_en": text_en,
        "submitted_on": submitted,
        "status": status,
        "published": published,
        "is_key": is_key,
        "generated": generated,
        "topics": list(topics),
        "signers": [{"member": lead}] + [{"member": m, "role": "cosigner"} for m in cosigners],
    }
    if replies:
        rec["review"] = {"decision": "filed", "decided_on": submitted}
        rec["assignments"] = [
            {
                "agency": agency,
                "role": "lead" if i == 0 else "joint",
                "assigned_on": submitted,
                "due_on": "2022-12-31" if session.endswith("2022") else "2023-12-31",
                "replies": [
                    {
                        "category": cat,
                        "replied_on": submitted.replace("-03-", "-06-"),
                        "text_zh": rzh,
                        "text_en": ren,
                        "published": True,
                    }
                ],
            }
            for i, (agency, cat, rzh, ren) in enumerate(replies)
        ]
    return rec


RECORDS = [
    {
        "type": "body",
        "key": "npc",
        "name_zh": "全国人民代表大会",
        "name_en": "National People's Congress",
        "short_name_en": "NPC",
        "kind": "congress",
    },
    {
        "type": "body",
        "key": "cppcc",
        "name_zh": "全国政协",
        "name_en": "CPPCC National Committee",
        "short_name_en": "CPPCC",
        "kind": "consultative",
    },
    {
        "type": "proposal_kind",
        "key": "npc-suggestion",
        "body": "npc",
        "code": "suggestion",
        "name_zh": "建议",
        "name_en": "Suggestion",
    },
    {
        "type": "proposal_kind",
        "key": "cppcc-proposal",
        "body": "cppcc",
        "code": "proposal",
        "name_zh": "提案",
        "name_en": "Proposal",
    },
    {
        "type": "session",
        "key": "npc-2022",
        "body": "npc",
        "term": 13,
        "number": 5,
        "year": 2022,
        "name_en": "5th Session of the 13th NPC",
        "name_zh": "十三届全国人大五次会议",
    },
    {
        "type": "session",
        "key": "npc-2023",
        "body": "npc",
        "term": 14,
        "number": 1,
        "year": 2023,
        "name_en": "1st Session of the 14th NPC",
    },
    {
        "type": "session",
        "key": "cppcc-2023",
        "body": "cppcc",
        "term": 14,
        "number": 1,
        "year": 2023,
        "name_en": "1st Session of the 14th CPPCC",
    },
    {"type": "topic", "key": "ai", "name_zh": "人工智能", "name_en": "Artificial intelligence"},
    {"type": "topic", "key": "labour", "name_zh": "劳动", "name_en": "Labour"},
    {"type": "topic", "key": "data", "name_zh": "数据", "name_en": "Data"},
    {
        "type": "organization",
        "key": "state-council",
        "name_zh": "国务院",
        "name_en": "State Council",
        "kind": "agency",
        "level": "central",
    },
    {
        "type": "organization",
        "key": "cac",
        "name_zh": "国家互联网信息办公室",
        "name_en": "Cyberspace Administration of China",
        "kind": "agency",
        "level": "ministry",
        "parent": "state-council",
        "responsibilities": "互联网内容与数据安全",
    },
    {
        "type": "organization",
        "key": "mohrss",
        "name_zh": "人力资源和社会保障部",
        "name_en": "Ministry of Human Resources and Social Security",
        "kind": "agency",
        "level": "ministry",
        "parent": "state-council",
    },
    {
        "type": "organization",
        "key": "gd",
        "name_zh": "广东代表团",
        "name_en": "Guangdong delegation",
        "kind": "delegation",
        "body": "npc",
    },
    {
        "type": "organization",
        "key": "econ",
        "name_zh": "经济界",
        "name_en": "Economics sector",
        "kind": "sector_group",
        "body": "cppcc",
    },
    {
        "type": "organization",
        "key": "tencent",
        "name_zh": "腾讯",
        "name_en": "Tencent",
        "kind": "company",
        "sector": "internet",
    },
    {
        "type": "member",
        "key": "m-ma",
        "name_zh": "马化腾",
        "name_en": "Ma Huateng",
        "bio_zh": "腾讯公司创始人",
        "bio_en": "Founder of Tencent.",
        "memberships": [{"body": "npc", "group": "gd", "role": "deputy", "start_year": 2013}],
        "affiliations": [{"organization": "tencent", "role": "CEO"}],
    },
    {
        "type": "member",
        "key": "m-zhou",
        "name_zh": "周鸿祎",
        "name_en": "Zhou Hongyi",
        "memberships": [{"body": "cppcc", "group": "econ", "role": "member"}],
    },
    {
        "type": "member",
        "key": "m-gen",
        "name_en": "Generated Deputy",
        "generated": True,
        "memberships": [{"body": "npc", "role": "deputy"}],
    },
    _p(
        "p-ai",
        "npc-2022",
        "npc-suggestion",
        zh="关于加快人工智能技术发展的建议",
        en="Speed up artificial intelligence technology",
        text_zh="建议加强算法治理，保护个人信息。",
        topics=["ai", "data"],
        is_key=True,
        replies=[
            (
                "cac",
                "A",
                "已采纳，正在制定算法推荐管理规定。",
                "Adopted: the algorithm rules are being drafted.",
            ),
            ("mohrss", "B", "正在研究。", ""),
        ],
    ),
    _p(
        "p-rider",
        "npc-2022",
        "npc-suggestion",
        zh="关于保障外卖骑手权益的建议",
        en="Protect the rights of food delivery riders",
        text_zh="外卖平台应当为骑手缴纳工伤保险。",
        topics=["labour"],
        replies=[("mohrss", "C", "留作参考。", "Kept for reference.")],
    ),
    _p(
        "p-econ",
        "npc-2023",
        "npc-suggestion",
        zh="关于发展数字经济的建议",
        en="Develop the digital economy",
        text_en="Platforms and data should serve the real economy.",
        topics=["data"],
        submitted="2023-03-06",
        status="filed",
    ),
    _p(
        "p-order",
        "npc-2023",
        "npc-suggestion",
        zh="关于经济数字化转型的建议",
        en="Economy: digital transformation",
        topics=["data"],
        submitted="2023-03-07",
        status="filed",
    ),
    _p(
        "p-cppcc",
        "cppcc-2023",
        "cppcc-proposal",
        zh="关于人工智能治理的提案",
        en="On AI governance",
        text_zh="建议建立人工智能伦理审查制度。",
        topics=["ai"],
        lead="m-zhou",
        submitted="2023-03-05",
        status="submitted",
    ),
    _p(
        "p-gen",
        "npc-2023",
        "npc-suggestion",
        zh="生成的人工智能建议",
        en="A generated suggestion on artificial intelligence",
        topics=["ai"],
        lead="m-gen",
        generated=True,
        submitted="2023-03-08",
        status="submitted",
    ),
    _p(
        "p-hidden",
        "npc-2023",
        "npc-suggestion",
        zh="未公开的人工智能建议",
        en="An unpublished AI suggestion",
        topics=["ai"],
        published=False,
        status="under_review",
        submitted="2023-03-09",
    ),
    _p(
        "p-xss",
        "npc-2023",
        "npc-suggestion",
        en="<script>alert(1)</script> platform safety",
        submitted="2023-03-10",
        status="submitted",
    ),
    {
        "type": "regulation",
        "key": "algo-rules",
        "title_zh": "互联网信息服务算法推荐管理规定",
        "title_en": "Provisions on Algorithmic Recommendation",
        "kind": "departmental_rule",
        "issuers": ["cac"],
        "published_on": "2022-01-04",
        "effective_on": "2022-03-01",
        "summary_zh": "规范算法推荐服务。",
        "related_proposals": ["p-ai"],
    },
    {
        "type": "regulation",
        "key": "rider-guidance",
        "title_zh": "关于维护新就业形态劳动者劳动保障权益的指导意见",
        "kind": "normative_document",
        "issuers": ["mohrss"],
        "published_on": "2021-07-16",
    },
]


@pytest.fixture
def indexing(db, django_capture_on_commit_callbacks):
    """Run on-commit callbacks (the index updates) at the end of the block, as a
    real commit would."""
    from lianghui.search.tasks import connect

    connect()  # another test may have cleared core.events' subscribers
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def search_world(indexing, jsonl):
    """The records above, imported; the index follows through the events."""
    with indexing():
        return import_files([jsonl(*RECORDS)])
