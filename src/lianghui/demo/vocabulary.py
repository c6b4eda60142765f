"""Word lists the generator composes bilingual titles and texts from."""

# topic -> [(subject zh, subject en)]
SUBJECTS = {
    "ai": [
        ("人工智能产业发展", "the development of the AI industry"),
        ("生成式人工智能治理", "the governance of generative AI"),
        ("人工智能伦理规范", "ethics rules for artificial intelligence"),
        ("算力基础设施建设", "computing infrastructure"),
        ("算法推荐透明度", "transparency of recommendation algorithms"),
    ],
    "data-privacy": [
        ("个人信息保护", "personal information protection"),
        ("数据跨境流动", "cross-border data flows"),
        ("人脸识别技术应用", "the use of facial recognition"),
        ("公共数据开放", "the opening of public data"),
    ],
    "platform-economy": [
        ("平台经济规范发展", "the orderly development of the platform economy"),
        ("网络直播打赏管理", "the management of livestream tipping"),
        ("平台算法规则公开", "disclosure of platform algorithm rules"),
    ],
    "labour": [
        ("外卖骑手社会保障", "social security for delivery riders"),
        ("新就业形态劳动者权益", "the rights of workers in new forms of employment"),
        ("灵活就业人员参保", "insurance for flexible workers"),
        ("产业工人队伍建设", "the industrial workforce"),
    ],
    "ev-energy": [
        ("新能源汽车充电设施", "charging infrastructure for electric vehicles"),
        ("动力电池回收利用", "the recycling of traction batteries"),
        ("储能产业发展", "the energy storage industry"),
    ],
    "carbon": [
        ("碳达峰碳中和立法", "carbon peaking and neutrality legislation"),
        ("全国碳市场建设", "the national carbon market"),
        ("绿色低碳技术推广", "green low-carbon technology"),
    ],
    "semiconductors": [
        ("集成电路产业链", "the integrated circuit supply chain"),
        ("芯片人才培养", "the training of chip engineers"),
    ],
    "metaverse-crypto": [
        ("元宇宙产业监管", "supervision of the metaverse industry"),
        ("数字藏品交易", "trading in digital collectibles"),
        ("区块链技术应用", "blockchain applications"),
    ],
    "fintech": [
        ("数字人民币推广", "the roll-out of the digital yuan"),
        ("金融科技监管", "fintech supervision"),
        ("中小企业融资", "financing for small businesses"),
    ],
    "health": [
        ("互联网医院发展", "internet hospitals"),
        ("基层医疗服务能力", "primary health care capacity"),
        ("创新药研发", "innovative drug research"),
    ],
    "education": [
        ("职业教育改革", "vocational education reform"),
        ("青少年网络沉迷防治", "the prevention of internet addiction among minors"),
        ("乡村教师队伍建设", "the rural teaching workforce"),
    ],
    "manufacturing": [
        ("制造业数字化转型", "digital transformation of manufacturing"),
        ("工业互联网发展", "the industrial internet"),
    ],
    "consumer-protection": [
        ("直播带货消费者权益保护", "consumer protection in livestream sales"),
        ("大数据杀熟治理", "action against algorithmic price discrimination"),
    ],
    "autonomous-driving": [
        ("自动驾驶立法", "legislation for self-driving cars"),
        ("智能网联汽车测试", "the testing of connected vehicles"),
    ],
    "telecom-5g": [("5G网络建设", "5G network construction"), ("农村宽带普及", "rural broadband")],
    "culture-media": [
        ("网络游戏未成年人保护", "the protection of minors in online games"),
        ("数字文化产业", "the digital culture industry"),
    ],
    "elderly-care": [
        ("智慧养老服务", "smart elderly care"),
        ("老年人数字技能培训", "digital skills training for older people"),
    ],
    "rural": [
        ("乡村振兴数字化", "digital rural revitalisation"),
        ("农村电商发展", "rural e-commerce"),
    ],
}

ACTIONS = [
    ("加快推进", "Speeding up"),
    ("进一步完善", "Improving"),
    ("加强", "Strengthening"),
    ("规范", "Regulating"),
    ("支持", "Supporting"),
    ("健全", "Building rules for"),
]
# Subjects that are already a rule, a right or an oversight take only the actions
# that read well in front of them in both languages ("加强元宇宙产业监管",
# "Strengthening supervision of the metaverse industry"), never "Regulating
# regulation" or "支持网络直播打赏".
NEUTRAL_ACTIONS = [
    ("加快推进", "Speeding up"),
    ("进一步完善", "Improving"),
    ("加强", "Strengthening"),
]
GOVERNED = {
    "生成式人工智能治理",
    "人工智能伦理规范",
    "算法推荐透明度",
    "个人信息保护",
    "平台经济规范发展",
    "网络直播打赏管理",
    "平台算法规则公开",
    "外卖骑手社会保障",
    "新就业形态劳动者权益",
    "灵活就业人员参保",
    "碳达峰碳中和立法",
    "元宇宙产业监管",
    "金融科技监管",
    "青少年网络沉迷防治",
    "直播带货消费者权益保护",
    "大数据杀熟治理",
    "自动驾驶立法",
    "网络游戏未成年人保护",
    "职业教育改革",
    "制造业数字化转型",
    "乡村振兴数字化",
}


def actions_for(subject: tuple[str, str]) -> list[tuple[str, str]]:
    return NEUTRAL_ACTIONS if subject[0] in GOVERNED else ACTIONS


SENTENCES = [
    (
        "当前{s}仍存在制度不健全、标准不统一等问题。",
        "Rules and standards for {s_en} are still incomplete and inconsistent.",
    ),
    (
        "建议有关部门尽快出台{s}相关政策，明确各方责任。",
        "The relevant departments should issue policies on {s_en} and set out who is responsible.",
    ),
    ("应加大对{s}的财政支持和人才培养力度。", "More funding and training should go to {s_en}."),
    (
        "建议开展{s}试点，总结经验后在全国推广。",
        "Pilots on {s_en} should be run and then extended nationwide.",
    ),
    (
        "应完善{s}的监督机制，保护群众合法权益。",
        "Oversight of {s_en} should be improved to protect people's lawful rights.",
    ),
]

REPLY_TEXT = {
    "A": (
        "您提出的建议已被采纳，相关措施已经落实。",
        "The suggestion has been adopted and measures are in place.",
    ),
    "B": (
        "我们正在研究推进相关工作，已列入年度计划。",
        "Work is under way and included in this year's plan.",
    ),
    "C": (
        "相关情况已作说明，建议将作为今后工作参考。",
        "The situation has been explained; the suggestion is kept for reference.",
    ),
}

# More wordings per category, chosen by the assignment's id (no random draw, so
# the rest of the demo is unchanged): the commitments found in replies then vary
# in what they promise and by when.
REPLY_VARIANTS = {
    "A": [
        REPLY_TEXT["A"],
        (
            "您的建议已在新出台的规定中得到体现。",
            "The suggestion is reflected in the newly issued rules.",
        ),
    ],
    "B": [
        REPLY_TEXT["B"],
        (
            "下一步，我们将会同有关部门抓紧研究，力争明年出台相关办法。",
            "As a next step we will work with the departments concerned and aim to issue"
            " measures next year.",
        ),
        (
            "该事项已纳入立法工作计划，我们将适时启动修订。",
            "The matter has been put on the legislative work plan; we will start the"
            " revision in due course.",
        ),
        (
            "我部将在三个月内组织专题调研，并根据调研结果完善相关政策。",
            "We will organise a study within three months and improve the policy on its findings.",
        ),
    ],
    "C": [
        REPLY_TEXT["C"],
        (
            "相关问题涉及多个部门职责，现将有关情况说明如下，供参考。",
            "The matter involves several departments; the situation is explained here for"
            " reference.",
        ),
    ],
}


def reply_text(category: str, n: int) -> tuple[str, str]:
    variants = REPLY_VARIANTS[category]
    return variants[n % len(variants)]


SURNAMES = [
    ("王", "Wang"),
    ("李", "Li"),
    ("张", "Zhang"),
    ("刘", "Liu"),
    ("陈", "Chen"),
    ("杨", "Yang"),
    ("黄", "Huang"),
    ("赵", "Zhao"),
    ("吴", "Wu"),
    ("周", "Zhou"),
    ("徐", "Xu"),
    ("孙", "Sun"),
    ("马", "Ma"),
    ("朱", "Zhu"),
    ("胡", "Hu"),
    ("郭", "Guo"),
    ("何", "He"),
    ("林", "Lin"),
    ("罗", "Luo"),
    ("高", "Gao"),
]
GIVEN = [
    ("伟", "wei"),
    ("芳", "fang"),
    ("娜", "na"),
    ("敏", "min"),
    ("静", "jing"),
    ("强", "qiang"),
    ("磊", "lei"),
    ("洋", "yang"),
    ("艳", "yan"),
    ("勇", "yong"),
    ("军", "jun"),
    ("杰", "jie"),
    ("涛", "tao"),
    ("明", "ming"),
    ("超", "chao"),
    ("华", "hua"),
    ("平", "ping"),
    ("刚", "gang"),
    ("玲", "ling"),
    ("建", "jian"),
    ("国", "guo"),
    ("海", "hai"),
    ("晓", "xiao"),
    ("红", "hong"),
    ("文", "wen"),
]
