"""Pages in both languages: labels from the catalogue, record fields through the
models' localized()/alternate() helpers, and the language switcher."""

import pytest
from django.utils import translation

from lianghui.laws.enums import Stage
from lianghui.people.enums import OrganizationKind
from lianghui.proposals.enums import AssignmentRole, ReplyCategory, Status

pytestmark = pytest.mark.django_db


def get(client, url, language):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def test_home_in_chinese_and_english(client, portal_world):
    zh = get(client, "/", "zh-hans")
    assert '<html lang="zh-hans">' in zh
    # The bodies configured name the site (no fixed "Two Sessions").
    assert "中国人民政治协商会议全国委员会和全国人民代表大会的建议与提案，及其结果" in zh
    assert "跳到主要内容" in zh and "最近的会议" in zh and "法规进程跟踪" in zh
    assert "第十三届全国人民代表大会第五次会议" in zh  # the session's Chinese name
    en = get(client, "/", "en")
    assert '<html lang="en">' in en
    assert "Proposals to CPPCC and NPC, and what came of them" in en
    assert "5th Session of the 13th NPC" in en


def test_proposal_detail_in_chinese(client, portal_world):
    zh = get(client, "/proposals/t-rich/", "zh-hans")
    # The original title leads; the English one is marked as the translation.
    assert '<h1 id="page-title" lang="zh-Hans">关于加强算法推荐治理的建议</h1>' in zh
    assert "译文（英文）" in zh and "Strengthen the governance" in zh
    for label in [
        "已答复",  # status
        "所有承办机关均已答复。",  # its explanation
        "领衔提出人",
        "联名人",
        "主办单位",
        "会办单位",
        "协办单位",
        "B：正在解决或列入计划",
        "基本满意",
        "不满意",
        "已立案",
        "重点督办",
        "出处",
        "结果如何",  # what came of it
        "国家互联网信息办公室",  # agency name in Chinese
        "人工智能",  # topic
    ]:
        assert label in zh, label
    assert "Lead proposer" not in zh


def test_record_known_in_one_language_falls_back_and_is_tagged(client, portal_world):
    # Li Jun has no Chinese name: the Chinese page shows the English one, tagged en.
    zh = get(client, "/members/t-li/", "zh-hans")
    assert '<h1 id="page-title" lang="en">Li Jun</h1>' in zh
    # Zhang San has only a Chinese name: the English page shows it, tagged zh-Hans.
    en = get(client, "/members/t-zhang/", "en")
    assert '<h1 id="page-title" lang="zh-Hans">张三</h1>' in en


@pytest.mark.parametrize(
    ("url", "labels"),
    [
        (
            "/proposals/",
            ["建议与提案", "标题包含", "筛选", "共 3 条结果", "不予立案", "生成的演示数据"],
        ),
        ("/members/", ["代表与委员", "姓名或名称包含", "任职"]),
        ("/organizations/?kind=agency", ["政府机关", "部委", "上级机构"]),
        ("/sessions/", ["会议", "会期"]),
        ("/sessions/t-npc-2022/", ["按状态", "按类型", "第 13 届第 5 次会议"]),
        ("/regulations/", ["法规", "所处阶段", "部门规章", "施行", "地方性法规"]),
        (
            "/regulations/t-algo-rules/",
            ["时间线", "发布草案", "征求意见截止", "审议", "公布", "修正"],
        ),
        ("/organizations/t-cac/", ["交办的建议与提案", "作为主办单位", "职责", "发布的法规"]),
    ],
)
def test_lists_and_details_in_chinese(client, portal_world, url, labels):
    zh = get(client, url, "zh-hans")
    for label in labels:
        assert label in zh, label


def test_unknown_filter_message_is_translated(client, portal_world):
    zh = get(client, "/proposals/?status=bogus", "zh-hans")
    assert "已忽略“状态”的未知取值“bogus”。" in zh


def test_language_switcher_sets_the_language(client, portal_world):
    en = get(client, "/proposals/?topic=t-ai", "en")
    assert 'name="next" value="/proposals/?topic=t-ai"' in en
    assert 'name="language" value="zh-hans"' in en
    response = client.get("/language/", {"language": "zh-hans", "next": "/proposals/?topic=t-ai"})
    assert response.status_code == 302
    assert response["Location"] == "/proposals/?topic=t-ai"
    # The cookie now wins over the browser's Accept-Language.
    zh = get(client, "/proposals/?topic=t-ai", "en")
    assert '<html lang="zh-hans">' in zh and "标题包含" in zh
    assert 'value="zh-hans" lang="zh-hans" aria-pressed="true"' in zh


def test_language_switcher_refuses_unknown_languages_and_foreign_next(client, portal_world):
    response = client.get("/language/", {"language": "xx", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert "django_language" not in response.cookies


@pytest.mark.parametrize("enum", [Status, AssignmentRole, ReplyCategory, Stage, OrganizationKind])
def test_every_enum_label_is_translated(enum):
    with translation.override("zh-hans"):
        untranslated = [m.value for m in enum if str(m.label).isascii()]
    assert untranslated == []
