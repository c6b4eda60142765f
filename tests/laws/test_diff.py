"""The article-by-article comparison of two texts of a regulation."""

from lianghui.laws.diff import Article, compare, inline_diff

A1 = Article(
    "第一条",
    "为了规范互联网信息服务算法推荐活动，制定本规定。",
    "These provisions are made to regulate algorithmic recommendation.",
)
A2 = Article(
    "第二条",
    "提供算法推荐服务，应当遵守法律法规，尊重社会公德和伦理。",
    "Providers shall observe laws and respect social ethics.",
)
A3 = Article(
    "第三条",
    "算法推荐服务提供者应当向用户提供不针对其个人特征的选项。",
    "Providers shall offer users an option not targeting their personal characteristics.",
)
A4 = Article(
    "第四条",
    "算法推荐服务提供者应当保护劳动者取得劳动报酬、休息休假等合法权益。",
    "Providers shall protect workers' rights to remuneration and rest.",
)


def _renumber(article: Article, number: str, **changes) -> Article:
    return Article(number, changes.get("zh", article.text_zh), changes.get("en", article.text_en))


def _statuses(comparison) -> list[tuple[str, str, str]]:
    return [
        (r.old.number if r.old else "", r.new.number if r.new else "", r.status)
        for r in comparison.rows
    ]


def test_identical_texts_show_no_change():
    rows = compare([A1, A2], [A1, A2]).rows
    assert [r.status for r in rows] == ["unchanged", "unchanged"]


def test_an_inserted_article_renumbers_the_rest_without_rewriting_them():
    new = [
        A1,
        Article(
            "第二条",
            "国家网信部门负责全国算法推荐服务治理和相关监督管理工作。",
            "The national cyberspace department oversees algorithm governance.",
        ),
        _renumber(A2, "第三条"),
        _renumber(A3, "第四条"),
    ]
    comparison = compare([A1, A2, A3], new)
    assert _statuses(comparison) == [
        ("第一条", "第一条", "unchanged"),
        ("", "第二条", "added"),
        ("第二条", "第三条", "renumbered"),
        ("第三条", "第四条", "renumbered"),
    ]
    assert comparison.counts()["renumbered"] == 2


def test_a_removed_article_stays_where_it_was():
    comparison = compare([A1, A2, A3], [A1, _renumber(A3, "第二条")])
    assert _statuses(comparison) == [
        ("第一条", "第一条", "unchanged"),
        ("第二条", "", "removed"),
        ("第三条", "第二条", "renumbered"),
    ]


def test_a_moved_article_is_found_by_its_text():
    new = [_renumber(A3, "第一条"), _renumber(A1, "第二条"), _renumber(A2, "第三条"), A4]
    comparison = compare([A1, A2, A3, A4], new)
    rows = {r.old.number: r for r in comparison.rows if r.old}
    assert rows["第三条"].moved and rows["第三条"].new.number == "第一条"
    # The others kept their order: renumbered, not moved.
    assert not rows["第一条"].moved and rows["第一条"].renumbered
    assert rows["第四条"].unchanged


def test_a_revised_article_is_matched_and_its_changes_shown_by_character_and_word():
    revised = Article(
        "第五条",
        "算法推荐服务提供者应当依法保护劳动者取得劳动报酬、休息休假等合法权益。",
        "Providers shall protect workers' rights to fair remuneration and rest.",
    )
    comparison = compare([A1, A4], [A1, A2, revised])
    row = next(r for r in comparison.rows if r.old is A4)
    assert row.new is revised and row.changed and row.renumbered
    assert [s.text for s in row.segments_zh if s.op == "insert"] == ["依法"]
    assert [s.text for s in row.segments_en if s.op == "insert"] == ["fair "]
    assert [r.status for r in comparison.rows] == ["unchanged", "added", "changed"]


def test_unrelated_articles_with_the_same_number_are_not_paired():
    comparison = compare([A1, A2], [A1, _renumber(A4, "第二条")])
    assert _statuses(comparison) == [
        ("第一条", "第一条", "unchanged"),
        ("第二条", "", "removed"),
        ("", "第二条", "added"),
    ]


def test_chinese_is_compared_by_character():
    segments = inline_diff("保护劳动者权益", "保护骑手权益", "zh")
    assert [(s.op, s.text) for s in segments] == [
        ("equal", "保护"),
        ("delete", "劳动者"),
        ("insert", "骑手"),
        ("equal", "权益"),
    ]
