"""Reference data for the generated demo: public facts about the Two Sessions'
structure (central agencies and their remits, NPC delegations, CPPCC sectors).
Loaded through the importer like any other data."""

# key, Chinese name, English name, level, remit (Chinese keywords, then English),
# topics it typically leads on
AGENCIES = [
    (
        "ndrc",
        "国家发展和改革委员会",
        "National Development and Reform Commission",
        "ministry",
        "发展规划 产业政策 价格 投资 新基建 碳达峰 能源规划 | development planning, industrial policy, prices, investment, carbon peaking",
        ["carbon", "ev-energy", "manufacturing", "platform-economy"],
    ),
    (
        "mof",
        "财政部",
        "Ministry of Finance",
        "ministry",
        "财政 税收 预算 补贴 政府采购 | public finance, taxation, budgets, subsidies",
        ["fintech", "rural", "education"],
    ),
    (
        "miit",
        "工业和信息化部",
        "Ministry of Industry and Information Technology",
        "ministry",
        "工业 制造业 信息通信 5G 芯片 新能源汽车 软件 | industry, manufacturing, telecoms, 5G, chips, EVs, software",
        ["manufacturing", "semiconductors", "telecom-5g", "ev-energy", "ai", "autonomous-driving"],
    ),
    (
        "most",
        "科学技术部",
        "Ministry of Science and Technology",
        "ministry",
        "科技创新 研发 人工智能 科技伦理 基础研究 | science and technology, R&D, AI, research ethics",
        ["ai", "semiconductors", "health"],
    ),
    (
        "moe",
        "教育部",
        "Ministry of Education",
        "ministry",
        "教育 学校 高校 职业教育 | education, schools, universities, vocational training",
        ["education"],
    ),
    (
        "mohrss",
        "人力资源和社会保障部",
        "Ministry of Human Resources and Social Security",
        "ministry",
        "就业 社会保险 劳动关系 工资 新就业形态 | employment, social insurance, labour relations, gig work",
        ["labour", "platform-economy"],
    ),
    (
        "mca",
        "民政部",
        "Ministry of Civil Affairs",
        "ministry",
        "养老服务 社会救助 社会组织 | elderly care, social assistance, social organisations",
        ["elderly-care"],
    ),
    (
        "moj",
        "司法部",
        "Ministry of Justice",
        "ministry",
        "立法 行政法规 法治 | legislation, administrative regulations, rule of law",
        ["data-privacy"],
    ),
    (
        "mps",
        "公安部",
        "Ministry of Public Security",
        "ministry",
        "公共安全 网络犯罪 交通管理 | public security, cybercrime, traffic",
        ["data-privacy", "autonomous-driving"],
    ),
    (
        "mee",
        "生态环境部",
        "Ministry of Ecology and Environment",
        "ministry",
        "生态环境 污染防治 碳排放 | ecology, pollution control, carbon emissions",
        ["carbon"],
    ),
    (
        "mohurd",
        "住房和城乡建设部",
        "Ministry of Housing and Urban-Rural Development",
        "ministry",
        "住房 城市建设 | housing, urban construction",
        ["rural"],
    ),
    (
        "mot",
        "交通运输部",
        "Ministry of Transport",
        "ministry",
        "交通运输 道路 物流 网约车 自动驾驶 | transport, roads, logistics, ride-hailing, self-driving",
        ["autonomous-driving", "platform-economy"],
    ),
    (
        "mara",
        "农业农村部",
        "Ministry of Agriculture and Rural Affairs",
        "ministry",
        "农业 农村 乡村振兴 | agriculture, rural revitalisation",
        ["rural"],
    ),
    (
        "mofcom",
        "商务部",
        "Ministry of Commerce",
        "ministry",
        "商务 消费 电子商务 外贸 | commerce, consumption, e-commerce, trade",
        ["consumer-protection", "platform-economy"],
    ),
    (
        "mct",
        "文化和旅游部",
        "Ministry of Culture and Tourism",
        "ministry",
        "文化 旅游 文化产业 | culture, tourism",
        ["culture-media"],
    ),
    (
        "nhc",
        "国家卫生健康委员会",
        "National Health Commission",
        "ministry",
        "卫生健康 医疗 医院 公共卫生 | health, medical care, hospitals, public health",
        ["health", "elderly-care"],
    ),
    (
        "pboc",
        "中国人民银行",
        "People's Bank of China",
        "ministry",
        "货币政策 金融稳定 支付 数字人民币 | monetary policy, payments, digital yuan",
        ["fintech", "metaverse-crypto"],
    ),
    (
        "mem",
        "应急管理部",
        "Ministry of Emergency Management",
        "ministry",
        "应急管理 防灾减灾 安全生产 | emergencies, disaster relief, work safety",
        ["health"],
    ),
    (
        "samr",
        "国家市场监督管理总局",
        "State Administration for Market Regulation",
        "bureau",
        "市场监管 反垄断 消费者权益 产品质量 | market regulation, antitrust, consumer rights",
        ["consumer-protection", "platform-economy"],
    ),
    (
        "nrta",
        "国家广播电视总局",
        "National Radio and Television Administration",
        "bureau",
        "广播电视 网络视听 直播 | broadcasting, online audiovisual, livestreaming",
        ["culture-media"],
    ),
    (
        "cac",
        "国家互联网信息办公室",
        "Cyberspace Administration of China",
        "bureau",
        "网络安全 数据安全 个人信息保护 算法 网络内容 | cybersecurity, data security, personal information, algorithms",
        ["data-privacy", "ai", "metaverse-crypto", "platform-economy"],
    ),
    ("nbs", "国家统计局", "National Bureau of Statistics", "bureau", "统计 | statistics", []),
    (
        "cbirc",
        "中国银行保险监督管理委员会",
        "China Banking and Insurance Regulatory Commission",
        "bureau",
        "银行 保险 金融监管 | banking and insurance supervision",
        ["fintech"],
    ),
    (
        "nfra",
        "国家金融监督管理总局",
        "National Financial Regulatory Administration",
        "bureau",
        "银行 保险 金融监管 金融消费者保护 | financial supervision, banking, insurance",
        ["fintech"],
    ),
    (
        "csrc",
        "中国证券监督管理委员会",
        "China Securities Regulatory Commission",
        "bureau",
        "证券 资本市场 | securities, capital markets",
        ["fintech"],
    ),
    (
        "nea",
        "国家能源局",
        "National Energy Administration",
        "bureau",
        "能源 电力 新能源 充电桩 | energy, power, renewables, charging infrastructure",
        ["ev-energy", "carbon"],
    ),
    (
        "cnipa",
        "国家知识产权局",
        "China National Intellectual Property Administration",
        "bureau",
        "知识产权 专利 商标 | intellectual property, patents, trademarks",
        ["semiconductors", "culture-media"],
    ),
    (
        "nhsa",
        "国家医疗保障局",
        "National Healthcare Security Administration",
        "bureau",
        "医疗保障 医保 药品采购 | medical insurance, drug procurement",
        ["health", "elderly-care"],
    ),
    (
        "nda",
        "国家数据局",
        "National Data Administration",
        "bureau",
        "数据要素 数字经济 数字中国 | data as a resource, digital economy",
        ["data-privacy", "platform-economy", "ai"],
    ),
    (
        "sasac",
        "国务院国有资产监督管理委员会",
        "State-owned Assets Supervision and Administration Commission",
        "ministry",
        "国有企业 国有资产 | state-owned enterprises",
        ["manufacturing"],
    ),
    (
        "mnr",
        "自然资源部",
        "Ministry of Natural Resources",
        "ministry",
        "自然资源 国土空间 | natural resources, land use",
        ["carbon"],
    ),
    (
        "mwr",
        "水利部",
        "Ministry of Water Resources",
        "ministry",
        "水利 防洪 | water resources, flood control",
        ["rural"],
    ),
    (
        "caac",
        "中国民用航空局",
        "Civil Aviation Administration of China",
        "bureau",
        "民航 航空 无人机 | civil aviation, drones",
        ["autonomous-driving"],
    ),
    (
        "acftu",
        "中华全国总工会",
        "All-China Federation of Trade Unions",
        "central",
        "工会 职工权益 | trade unions, workers' rights",
        ["labour"],
    ),
    (
        "scio",
        "国务院新闻办公室",
        "State Council Information Office",
        "bureau",
        "新闻发布 对外传播 | government press releases, international communication",
        ["culture-media"],
    ),
    (
        "nppa",
        "国家新闻出版署",
        "National Press and Publication Administration",
        "bureau",
        "新闻出版 网络游戏 | publishing, online games",
        ["culture-media", "education"],
    ),
]

# When each agency was set up in its present form (and dissolved, if it was): the
# generator assigns a proposal only to an agency that existed on the day. A full
# date where the agency's inauguration is on public record; a year alone where the
# demo records only the year (stored as 1 January), which is long before any
# proposal the demo generates. General knowledge, cited to REFERENCE_SOURCE.
FOUNDED = {
    "state-council": "1954",
    "ndrc": "2003",
    "mof": "1949",
    "miit": "2008",
    "most": "1998",
    "moe": "1998",
    "mohrss": "2008",
    "mca": "1978",
    "moj": "1979",
    "mps": "1949",
    "mee": "2018-04-16",
    "mohurd": "2008",
    "mot": "2008",
    "mara": "2018",
    "mofcom": "2003",
    "mct": "2018-04-08",
    "nhc": "2018-03-27",
    "pboc": "1948-12-01",
    "mem": "2018-04-16",
    "samr": "2018-04-10",
    "nrta": "2018-04-16",
    "cac": "2011-05-04",
    "nbs": "1952",
    "cbirc": "2018-04-08",
    "nfra": "2023-05-18",
    "csrc": "1992",
    "nea": "2008",
    "cnipa": "2018",
    "nhsa": "2018-05-31",
    "nda": "2023-10-25",
    "sasac": "2003",
    "mnr": "2018-04-10",
    "mwr": "1949",
    "caac": "1949",
    "acftu": "1925-05-01",
    "scio": "1991",
    "nppa": "2018-04-16",
}
# The banking and insurance commission was merged into the NFRA when that opened.
DISSOLVED = {"cbirc": "2023-05-18"}

REFERENCE_SOURCE = "reference-general-knowledge"


def _day(value: str) -> str:
    return value if len(value) == 10 else f"{value}-01-01"


def _general(locator: str) -> list[dict]:
    return [{"source": REFERENCE_SOURCE, "locator": locator}]


PROVINCES = [
    ("beijing", "北京", "Beijing"),
    ("tianjin", "天津", "Tianjin"),
    ("hebei", "河北", "Hebei"),
    ("shanxi", "山西", "Shanxi"),
    ("inner-mongolia", "内蒙古", "Inner Mongolia"),
    ("liaoning", "辽宁", "Liaoning"),
    ("jilin", "吉林", "Jilin"),
    ("heilongjiang", "黑龙江", "Heilongjiang"),
    ("shanghai", "上海", "Shanghai"),
    ("jiangsu", "江苏", "Jiangsu"),
    ("zhejiang", "浙江", "Zhejiang"),
    ("anhui", "安徽", "Anhui"),
    ("fujian", "福建", "Fujian"),
    ("jiangxi", "江西", "Jiangxi"),
    ("shandong", "山东", "Shandong"),
    ("henan", "河南", "Henan"),
    ("hubei", "湖北", "Hubei"),
    ("hunan", "湖南", "Hunan"),
    ("guangdong", "广东", "Guangdong"),
    ("guangxi", "广西", "Guangxi"),
    ("hainan", "海南", "Hainan"),
    ("chongqing", "重庆", "Chongqing"),
    ("sichuan", "四川", "Sichuan"),
    ("guizhou", "贵州", "Guizhou"),
    ("yunnan", "云南", "Yunnan"),
    ("tibet", "西藏", "Tibet"),
    ("shaanxi", "陕西", "Shaanxi"),
    ("gansu", "甘肃", "Gansu"),
    ("qinghai", "青海", "Qinghai"),
    ("ningxia", "宁夏", "Ningxia"),
    ("xinjiang", "新疆", "Xinjiang"),
]

CPPCC_SECTORS = [
    ("economy", "经济界", "Economics"),
    ("science", "科学技术界", "Science and technology"),
    ("education", "教育界", "Education"),
    ("medicine", "医药卫生界", "Medicine and health"),
    ("culture", "文化艺术界", "Culture and arts"),
    ("agriculture", "农业界", "Agriculture"),
    (
        "federation-industry",
        "中华全国工商业联合会",
        "All-China Federation of Industry and Commerce",
    ),
    ("unions", "中华全国总工会", "Trade unions"),
    ("press", "新闻出版界", "Press and publishing"),
    ("social-welfare", "社会福利和社会保障界", "Social welfare and security"),
]

COMPANY_PREFIXES = [
    ("华信", "Huaxin"),
    ("星辰", "Xingchen"),
    ("远航", "Yuanhang"),
    ("恒通", "Hengtong"),
    ("瑞达", "Ruida"),
    ("云启", "Yunqi"),
    ("智源", "Zhiyuan"),
    ("东方", "Dongfang"),
    ("长风", "Changfeng"),
    ("天成", "Tiancheng"),
]
SECTOR_SUFFIXES = {
    "internet": ("网络科技", "Internet Technology"),
    "ai": ("智能科技", "AI Technology"),
    "semiconductors": ("半导体", "Semiconductor"),
    "automotive": ("汽车", "Automotive"),
    "ev_energy": ("新能源", "New Energy"),
    "manufacturing": ("制造", "Manufacturing"),
    "finance": ("金融控股", "Financial Holdings"),
    "health": ("医药", "Pharmaceutical"),
    "education": ("教育科技", "Education Technology"),
    "logistics": ("物流", "Logistics"),
    "media": ("文化传媒", "Media"),
    "agriculture": ("农业发展", "Agricultural Development"),
}


def _org(key, zh, en, kind, **extra) -> dict:
    rec = {"type": "organization", "key": key, "name_zh": zh, "name_en": en, "kind": kind}
    rec.update({k: v for k, v in extra.items() if v})
    return rec


def reference_records() -> list[dict]:
    """Organizations the generator needs: agencies, delegations, sector groups, each
    cited to the general-knowledge source (they are not in the seed articles)."""
    recs = [
        _org(
            "state-council",
            "国务院",
            "State Council",
            "agency",
            level="central",
            sector="government",
            responsibilities="中央人民政府 | the central government",
            founded_on=_day(FOUNDED["state-council"]),
            sources=_general("The State Council, the central government"),
        )
    ]
    for key, zh, en, level, remit, _topics in AGENCIES:
        parent = "state-council" if level in ("ministry", "bureau") else ""
        recs.append(
            _org(
                key,
                zh,
                en,
                "agency",
                level=level,
                sector="government",
                responsibilities=remit,
                parent=parent,
                founded_on=_day(FOUNDED[key]),
                dissolved_on=DISSOLVED.get(key, ""),
                sources=_general(
                    "Central agencies, their remits and founding dates"
                    + (" (year only)" if len(FOUNDED[key]) == 4 else "")
                ),
            )
        )
    recs.append(
        _org(
            "npc-sc-general-office",
            "全国人大常委会办公厅",
            "General Office of the NPC Standing Committee",
            "committee",
            body="npc",
            sources=_general("The NPC's offices"),
        )
    )
    recs.append(
        _org(
            "cppcc-proposals-committee",
            "全国政协提案委员会",
            "CPPCC Committee on Proposals",
            "committee",
            body="cppcc",
            sources=_general("The CPPCC's special committees"),
        )
    )
    for key, zh, en in PROVINCES:
        recs.append(
            _org(
                f"npc-delegation-{key}",
                f"{zh}代表团",
                f"{en} delegation",
                "delegation",
                body="npc",
                sources=_general("NPC deputies sit in provincial delegations"),
            )
        )
    for key, zh, en in CPPCC_SECTORS:
        recs.append(
            _org(
                f"cppcc-sector-{key}",
                zh,
                en,
                "sector_group",
                body="cppcc",
                sources=_general("CPPCC members sit by sector (界别)"),
            )
        )
    return recs
