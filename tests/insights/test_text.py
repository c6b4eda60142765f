from lianghui.insights.text import CharAnalyzer, Segmenter, WordAnalyzer, normalize


def test_normalize_folds_full_width_and_space():
    assert normalize("ＡＢＣ１２３　ｄａｔａ") == "abc123 data"
    assert normalize("加强\n\n数据   安全") == "加强 数据 安全"
    assert normalize("Ｃｈｉｐ，芯片！") == "chip,芯片!"


def test_normalize_collapses_masking_runs():
    assert normalize("****区****路") == "*区*路"


def test_normalize_traditional_to_simplified_is_optional():
    trad = "關於加強網絡數據安全的議案"
    assert normalize(trad) == trad
    assert normalize(trad, t2s=True) == "关于加强网络数据安全的议案"


def test_segmenter_uses_domain_dictionary():
    seg = Segmenter()
    assert "大模型" in seg.cut("推进人工智能大模型发展")
    assert "数据要素" in seg.cut("培育数据要素市场")


def test_segmenter_user_dictionary_file_and_words(fixture_dir):
    plain = Segmenter()
    assert "接诉即办" not in plain.cut("完善接诉即办机制")
    seg = Segmenter(dictionaries=[fixture_dir / "user_dict.txt"])
    assert "接诉即办" in seg.cut("完善接诉即办机制")
    assert "两山理论" in seg.cut("践行两山理论")
    seg2 = Segmenter(["小切口立法"])
    assert "小切口立法" in seg2.cut("推进小切口立法")


def test_segmenter_user_words_survive_pickling():
    import pickle

    seg = Segmenter(["小切口立法"])
    again = pickle.loads(pickle.dumps(seg))
    assert "小切口立法" in again.cut("推进小切口立法")


def test_tokens_drop_stop_words_punctuation_and_numbers():
    toks = Segmenter().tokens("关于加强个人信息保护的建议，2024年 and the data")
    assert "个人信息保护" in toks
    assert "data" in toks
    for gone in ("关于", "的", "建议", "，", "2024", "and", "the", " "):
        assert gone not in toks


def test_analyzers_serve_both_languages():
    words = WordAnalyzer()("Protect personal information 保护个人信息")
    assert "protect" in words and "personal information" in words
    assert "个人信息" in words
    chars = CharAnalyzer((2, 3))("芯片 chip")
    assert "芯片" in chars and "chi" in chars
    assert all(g.strip() for g in chars)
