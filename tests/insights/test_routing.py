from lianghui.insights.routing import Router, split_clauses


def test_route_returns_ranked_agencies_with_scores_and_reasons(router):
    suggestions = router.route("关于支持芯片和集成电路企业发展的建议")
    assert [s.agency for s in suggestions][0] == "工业和信息化部"
    scores = [s.score for s in suggestions]
    assert scores == sorted(scores, reverse=True)
    assert len(suggestions) == 3
    top = suggestions[0]
    # The reasons name the terms that drove the suggestion ...
    assert {"芯片", "集成电路"} & set(top.terms)
    assert "芯片" in top.reason or "集成电路" in top.reason
    # ... and the similar past examples.
    assert top.examples and "芯片" in top.examples[0].text + top.examples[-1].text
    d = top.as_dict()
    assert {"agency", "score", "terms", "examples", "reason"} <= set(d)


def test_route_english_text(router):
    top = router.route("Regulate how online platforms collect personal information")[0]
    assert top.agency == "国家网信办"
    assert {"personal", "information", "personal information", "platforms"} & set(top.terms)


def test_agency_with_only_responsibilities_can_be_suggested(router):
    assert router.history_counts["国家文物局"] == 0
    suggestions = router.route("加强博物馆建设，规范考古发掘和文物保护")
    agencies = [s.agency for s in suggestions]
    assert "国家文物局" in agencies
    s = suggestions[agencies.index("国家文物局")]
    assert not s.has_history
    assert s.prior > 0
    assert "responsibilities" in s.reason
    assert {"博物馆", "文物保护", "考古", "文物", "考古发掘"} & set(s.terms)


def test_router_without_responsibilities_and_rank(fixture_dir):
    from lianghui.insights.evaluation import read_labelled_csv

    texts, labels = read_labelled_csv(fixture_dir / "proposals_train.csv", "text", "agency")
    r = Router().fit(texts, labels)
    top, scores = r.rank(["治理城市雾霾和大气污染", "加强乡村教师培训"], k=2)
    assert top[0, 0] == "生态环境部" and top[1, 0] == "教育部"
    assert (scores[:, 0] >= scores[:, 1]).all()


def test_split_clauses():
    parts = split_clauses("负责文物保护；指导博物馆建设。Museums and archaeology.")
    assert parts == ["负责文物保护", "指导博物馆建设", "Museums and archaeology."]


def test_router_trains_on_tiny_data_and_single_agency_with_a_remit():
    r = Router().fit(["芯片", "教育", "芯片产业", "学校教育"], ["a", "b", "a", "b"])
    assert r.route("芯片产业")[0].agency == "a"
    r = Router().fit(["芯片", "芯片产业"], ["a", "a"], responsibilities={"b": "负责教育和学校"})
    assert r.route("学校教育")[0].agency == "b"


def test_router_with_two_agencies_and_enough_rows_to_calibrate():
    # Twenty rows or more calibrate on held-out decisions, which for two classes
    # come as one column; routing must still rank both agencies.
    chips = [f"支持芯片产业发展第{i}条" for i in range(12)]
    schools = [f"加强学校教育投入第{i}条" for i in range(12)]
    r = Router().fit(chips + schools, ["miit"] * 12 + ["moe"] * 12)
    ranked = r.route("芯片产业")
    assert [s.agency for s in ranked][:2] == ["miit", "moe"]
    assert r.route("学校教育")[0].agency == "moe"
