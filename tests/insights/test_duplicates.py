import random

from lianghui.insights.duplicates import (
    PairScorer,
    cluster,
    matching_passages,
    minhash_signatures,
    similarity,
)

HAN = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动"
    "同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自"
    "二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日"
    "那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变"
    "条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总"
    "次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指"
    "几九区强放决西被干做必战先回则任取据处理府研质"
)


def _unrelated(n, rng):
    return ["".join(rng.choice(HAN) for _ in range(rng.randint(40, 80))) for _ in range(n)]


def test_similarity_orders_pairs_sensibly():
    near = similarity("关于加强个人信息保护的建议", "关于加强个人信息保护的提案")
    far = similarity("加强长江流域水污染治理", "减轻中小学生课业负担")
    assert 0.0 <= far < 0.2 < 0.6 < near <= 1.0
    assert similarity("推进数据要素市场化", "推进数据要素市场化") > 0.99
    # Same words, roles swapped: less similar than a faithful copy.
    swapped = similarity("甲公司收购了乙公司", "乙公司收购了甲公司")
    assert swapped < similarity("甲公司收购了乙公司", "甲公司收购了乙公司。")


def test_matching_passages_show_shared_text():
    a = "建议加强个人信息保护，要求平台删除过期数据。"
    b = "我们认为应当加强个人信息保护，平台删除过期数据刻不容缓。"
    texts = [p.text for p in matching_passages(a, b)]
    assert "加强个人信息保护" in texts
    assert "平台删除过期数据" in texts


def test_cluster_finds_planted_duplicate_without_all_pairs():
    rng = random.Random(5)
    texts = _unrelated(600, rng)
    original = (
        "关于加快推进人工智能大模型在政务服务中规范应用的建议，"
        "建立算法备案和安全评估制度，保护个人信息。"
    )
    copy = (
        "关于加快推进人工智能大模型在政务服务中规范应用的提案："
        "建立算法备案与安全评估制度，保护个人信息"
    )
    texts[123] = original
    texts[456] = copy
    result = cluster(texts, threshold=0.5)
    assert result.labels[123] >= 0 and result.labels[123] == result.labels[456]
    assert [123, 456] in result.clusters
    n = len(texts)
    assert result.stats["candidate_pairs"] < n * (n - 1) / 2 / 100
    assert result.stats["all_pairs"] == n * (n - 1) // 2


def test_minhash_signatures_are_deterministic_and_estimate_jaccard():
    a = "推进集成电路产业高质量发展，加强芯片设计人才培养"
    b = "推进集成电路产业高质量发展，加强芯片制造人才培养"
    sig = minhash_signatures([a, b, a, "完全无关的一句话关于体育"])
    assert (sig[0] == sig[2]).all()
    assert (sig[0] == sig[1]).mean() > 0.5
    assert (sig[0] == sig[3]).mean() < 0.2
    assert (minhash_signatures([a])[0] == sig[0]).all()


def test_pair_scorer_learns_from_labelled_pairs():
    pairs = [
        ("甲公司收购了乙公司", "乙公司收购了甲公司"),
        ("丙市与丁市签署协议", "丁市与丙市签署协议"),
        ("推进集成电路产业发展", "推动集成电路产业发展"),
        ("加强个人信息保护", "加强个人信息的保护"),
    ] * 3
    labels = [0, 0, 1, 1] * 3
    scorer = PairScorer().fit(pairs, labels)
    s = scorer.score([("戊省援助己省", "己省援助戊省"), ("完善数据安全制度", "完善数据的安全制度")])
    assert s[0] < s[1]
