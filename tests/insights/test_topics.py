from lianghui.insights.topics import KeywordTagger, TopicModel, load_scheme


def test_default_scheme_is_tech_policy():
    scheme = load_scheme()
    assert scheme.name == "tech-policy"
    assert {"ai", "data", "chips"} <= set(scheme.keys)


def test_keyword_tagger_is_multi_label_with_terms():
    tags = {
        t.topic: t for t in KeywordTagger().tag("规范生成式人工智能，加强个人信息保护和数据安全")
    }
    assert {"ai", "data"} <= set(tags)
    assert "个人信息保护" in tags["data"].terms
    english = {t.topic for t in KeywordTagger().tag("Export controls on semiconductors and chips")}
    assert "chips" in english


def test_topic_model_learns_multi_label():
    texts = [
        "芯片 人工智能 算力",
        "芯片 集成电路",
        "人工智能 算法",
        "算法 推荐 人工智能",
        "个人信息 数据",
        "数据 出境",
        "芯片 数据中心 算力",
        "人工智能 个人信息",
    ] * 3
    labels = [
        ["chips", "ai"],
        ["chips"],
        ["ai"],
        ["ai"],
        ["data"],
        ["data"],
        ["chips"],
        ["ai", "data"],
    ] * 3
    model = TopicModel().fit(texts, labels)
    top = model.tag(["集成电路和芯片"])[0]
    assert top and top[0].topic == "chips"
    assert top[0].terms
