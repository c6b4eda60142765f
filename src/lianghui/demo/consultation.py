"""The demo's public consultation: the draft algorithmic recommendation
provisions, open for comment from 27 August to 26 September 2021 (seed-001),
with comments written for the demo from every capacity.

The regulation comes from the seed facts (looked up by key, never created here).
The seed states no article texts, so the draft version's few articles are
written for the demo from what seed-001 says the provisions cover (user
notification, disclosure of rules, opting out, deleting user tags, explaining
practices that affect workers' interests) and marked as generated, as is every
comment. A draft version already recorded for the regulation is used as it is.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from lianghui.consultations import services
from lianghui.consultations.models import Comment, Consultation
from lianghui.laws.models import Provision, Regulation, RegulationVersion
from lianghui.people.models import Organization

REGULATION = "algorithmic-recommendation-provisions"
KEY = "algorithmic-recommendation-draft-2021"
OPENS, CLOSES = dt.date(2021, 8, 27), dt.date(2021, 9, 26)  # seed-001

ARTICLES = [
    (
        "第一条",
        "目的",
        "为了规范互联网信息服务算法推荐活动，维护国家安全和社会公共利益，保护公民、法人和其他组织的合法权益，制定本规定。",
        "These provisions regulate algorithmic recommendation in internet information "
        "services, in the social public interest and to protect lawful rights.",
    ),
    (
        "第二条",
        "告知与公开",
        "算法推荐服务提供者应当以显著方式告知用户其提供算法推荐服务的情况，并公示算法推荐服务的基本原理、目的意图和主要运行机制。",
        "Providers shall notify users that they use algorithmic recommendation and "
        "disclose its basic principles, purposes and main mechanisms.",
    ),
    (
        "第三条",
        "选择关闭与用户标签",
        "算法推荐服务提供者应当向用户提供不针对其个人特征的选项，或者便捷的关闭算法推荐服务的选项；应当向用户提供选择或者删除用于算法推荐服务的针对其个人特征的用户标签的功能。",
        "Providers shall let users opt out of recommendation based on personal "
        "characteristics and choose or delete the user tags used for it.",
    ),
    (
        "第四条",
        "劳动者权益",
        "算法推荐服务提供者向劳动者提供工作调度服务的，应当保护劳动者取得劳动报酬、休息休假等合法权益，建立完善平台订单分配、报酬构成及支付、工作时间、奖惩等相关算法。",
        "Providers that dispatch work shall protect workers' rights to pay and rest, "
        "and design the algorithms for order allocation, pay, working hours and "
        "rewards and penalties accordingly.",
    ),
    (
        "第五条",
        "说明与申诉",
        "算法推荐服务提供者应用算法对用户权益造成重大影响的，应当依法予以说明并承担相应责任，并设置便捷有效的用户申诉和公众投诉、举报入口。",
        "Where an algorithm significantly affects users' interests, the provider shall "
        "explain it and provide convenient appeals and complaints.",
    ),
]

# (capacity, organization, article number or "", text) — written for the demo.
COMMENTS = [
    (
        "worker",
        "",
        "第四条",
        "系统派单时间越来越紧，超时就扣钱。第四条应写明平台不得以算法压缩送餐时间，并保障每天的休息时间。",
    ),
    (
        "worker",
        "",
        "第四条",
        "我每天在线十二个小时，算法从不考虑休息。希望规定连续接单多久必须休息。",
    ),
    (
        "worker",
        "",
        "第四条",
        "报酬怎么算我们完全看不懂，第四条要求报酬构成公开是好的，请写明要向骑手本人说明。",
    ),
    (
        "worker",
        "",
        "第五条",
        "被系统封号没有任何解释，申诉也没人理。第五条的申诉入口应当有人工处理和期限。",
    ),
    (
        "worker",
        "",
        "第四条",
        "Delivery times set by the app ignore traffic and weather; article 4 should "
        "cap working hours and protect rest.",
    ),
    ("worker", "", "", "奖惩规则经常变，没有提前通知，应当先征求劳动者意见再改。"),
    (
        "union",
        "某市快递行业工会联合会",
        "第四条",
        "工作时间、订单分配和奖惩算法直接影响劳动者权益，应当事先听取工会或劳动者代表的意见，并向其公开规则。",
    ),
    (
        "union",
        "某区外卖骑手工会小组",
        "第四条",
        "建议增加：平台调整派单和计酬算法前，应与工会协商，协商结果向劳动者公示。",
    ),
    ("union", "", "第五条", "劳动者对算法处罚提出申诉时，工会应当可以代表劳动者参与。"),
    (
        "union",
        "",
        "第四条",
        "Unions and workers' representatives should be consulted before algorithms "
        "that set pay and working time are changed.",
    ),
    (
        "company",
        "某本地生活服务平台",
        "第二条",
        "公示主要运行机制可以接受，但细节涉及商业秘密，建议明确公示的范围。",
    ),
    (
        "company",
        "某短视频平台",
        "第三条",
        "关闭个性化推荐后用户体验会下降，建议给企业合理的过渡期。",
    ),
    (
        "company",
        "",
        "第四条",
        "订单分配需要实时调整，要求每次调整都事先公示不现实，建议只对重大调整公示。",
    ),
    (
        "industry",
        "某互联网行业协会",
        "第二条",
        "建议由行业协会制定算法公示的统一模板，减轻中小企业的合规成本。",
    ),
    ("industry", "", "第三条", "删除用户标签的功能应有统一标准，避免各平台做法不一。"),
    (
        "expert",
        "某大学法学院",
        "第五条",
        "“重大影响”需要界定，建议参照个人信息保护法关于自动化决策的规定。",
    ),
    ("expert", "", "第三条", "用户标签的删除应包括根据标签推断的特征，否则关闭选项形同虚设。"),
    ("expert", "", "第四条", "工作时间的算法设计应与劳动法的工时制度衔接，否则平台可以绕开。"),
    (
        "public_body",
        "某市人力资源和社会保障局",
        "第四条",
        "建议明确平台在劳动者权益保护方面接受人社部门监督，并与第56号文件衔接。",
    ),
    ("public_body", "", "第五条", "投诉举报入口应与监管部门的受理渠道对接。"),
    (
        "individual",
        "",
        "第三条",
        "我希望能一键关闭个性化推荐，而且关闭后不要反复弹窗让我重新打开。",
    ),
    ("individual", "", "第三条", "用户应当可以看到平台给自己打了哪些标签，并且可以删除。"),
    ("individual", "", "第二条", "算法原理的公示要用普通人看得懂的语言。"),
    ("individual", "", "", "未成年人的推荐内容应当有更严格的要求。"),
    ("individual", "", "第五条", "平台对申诉应当在规定时间内答复。"),
]
# A campaign: the same text sent by many workers (counted, never hidden).
CAMPAIGN = (
    "worker",
    "",
    "第四条",
    "我们要求：算法不得逼骑手超时超速，每天工作时间应有上限，平台改规则前先听我们的意见！",
)
CAMPAIGN_SIZE = 12
HIDDEN = [("individual", "", "", "加微信领红包，回复有奖", "spam")]


def _draft(regulation: Regulation, cac: Organization | None) -> RegulationVersion:
    found = regulation.versions.filter(kind="draft").order_by("date", "id").first()
    if found is not None:
        return found
    version = RegulationVersion.objects.create(
        regulation=regulation,
        kind="draft",
        date=OPENS,
        issuer=cac,
        label_zh="征求意见稿",
        label_en="Draft for comment",
        generated=True,
    )
    for n, (number, heading, text_zh, text_en) in enumerate(ARTICLES, start=1):
        Provision.objects.create(
            version=version,
            position=n,
            kind="article",
            number=number,
            heading_zh=heading,
            text_zh=text_zh,
            text_en=text_en,
        )
    return version


@transaction.atomic
def build() -> int:
    """Make the demo consultation unless it exists; returns the comments written."""
    regulation = Regulation.objects.filter(key=REGULATION).first()
    if regulation is None or Consultation.objects.filter(key=KEY).exists():
        return 0
    cac = Organization.objects.filter(key="cac").first() or regulation.issuers.first()
    version = _draft(regulation, cac)
    consultation = services.consultation_open(
        version=version,
        key=KEY,
        opens_on=OPENS,
        closes_on=CLOSES,
        run_by=cac,
        title_zh="互联网信息服务算法推荐管理规定（征求意见稿）",
        title_en="Algorithmic recommendation provisions (draft for comment)",
        use_of_comments_zh="演示数据：意见由起草部门研究，征求意见结束后公布采纳情况。",
        use_of_comments_en=(
            "Demo data: comments are studied by the drafting office, which publishes "
            "what it heard and changed after the window."
        ),
        generated=True,
    )
    articles = {p.number: p for p in version.provisions.all()}
    rows = [(*row, "published") for row in [*COMMENTS, *[CAMPAIGN] * CAMPAIGN_SIZE]]
    day = timezone.make_aware(dt.datetime.combine(OPENS, dt.time(10)))
    for n, (capacity, org, number, text, decision) in enumerate([*rows, *HIDDEN]):
        when = day + dt.timedelta(hours=9 * n)
        c = services.comment_create(
            consultation=consultation,
            author=None,
            capacity=capacity,
            text=text,
            provision=articles.get(number),
            organization_name=org,
            generated=True,
            now=when,
        )
        services.comment_moderate(comment=c, moderator=None, decision=decision, now=when)
        # Dated inside the window, as sent (the create stamped today).
        Comment.objects.filter(pk=c.pk).update(created_at=when)
    written = len(rows) + len(HIDDEN)
    services.themes_propose(consultation=consultation)
    return written
