import json
from io import StringIO

import pytest
from django.core.management import call_command

from lianghui.insights import cli


def run(*argv):
    out, err = StringIO(), StringIO()
    parser = cli.argparse.ArgumentParser()
    cli.add_arguments(parser)
    code = cli.run(parser.parse_args([str(a) for a in argv]), out=out, err=err)
    assert code == 0
    return out.getvalue()


def test_evaluate_prints_json_and_drops_rare_labels(fixture_dir):
    args = [
        "--train",
        fixture_dir / "proposals_train.csv",
        "--test",
        fixture_dir / "proposals_test.csv",
        "--text",
        "text",
        "--label",
        "agency",
        "--json",
    ]
    all_labels = json.loads(run("evaluate", *args, "--quiet"))
    assert {"n_test", "top1", "top3", "macro_f1"} <= set(all_labels)
    # 文化和旅游部 has 2 training rows: kept with --min-rows 2, dropped with 3.
    assert all_labels["n_test"] == 9
    fewer = json.loads(run("evaluate", *args, "--min-rows", "3", "--quiet"))
    assert fewer["n_test"] == 8 and fewer["dropped_test_rows"] == 1
    assert fewer["n_labels"] == 4
    assert fewer["top1"] >= 0.75


def test_evaluate_through_the_management_command(fixture_dir):
    out = StringIO()
    call_command(
        "insights",
        "evaluate",
        "--train",
        str(fixture_dir / "proposals_train.csv"),
        "--test",
        str(fixture_dir / "proposals_test.csv"),
        "--text",
        "text",
        "--label",
        "agency",
        "--min-rows",
        "3",
        "--json",
        "--quiet",
        stdout=out,
    )
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1
    report = json.loads(lines[0])
    assert report["n_test"] == 8
    assert 0 <= report["macro_f1"] <= 1


def test_score_pairs_prints_one_score_per_line_in_order(fixture_dir, tmp_path):
    src = (fixture_dir / "pairs.tsv").read_text(encoding="utf-8").splitlines()
    out = run("score-pairs", fixture_dir / "pairs.tsv", "--quiet").splitlines()
    assert len(out) == len(src)
    scores = [float(x) for x in out]
    # Order kept: score each line alone and compare.
    for i in (0, 2, 5):
        one = tmp_path / f"one{i}.tsv"
        one.write_text(src[i] + "\n", encoding="utf-8")
        assert float(run("score-pairs", one, "--quiet").strip()) == pytest.approx(scores[i])
    assert scores[0] > scores[2]


def test_train_writes_versioned_artifact_and_route_uses_it(fixture_dir, tmp_path):
    out_dir = tmp_path / "model"
    run(
        "train",
        "--csv",
        fixture_dir / "proposals_train.csv",
        "--text",
        "text",
        "--label",
        "agency",
        "--responsibilities",
        fixture_dir / "responsibilities.csv",
        "--output",
        out_dir,
        "--quiet",
    )
    meta = json.loads((out_dir / "metadata.json").read_text(encoding="utf-8"))
    assert meta["format_version"] == 1 and meta["kind"] == "routing"
    assert len(meta["data_sha256"]) == 64 and meta["created"]
    assert {"top1", "top3", "macro_f1", "n_test"} <= set(meta["evaluation"])
    assert (out_dir / "model.joblib").exists()
    line = run("route", "支持芯片产业发展", "--model", out_dir, "--json", "--quiet")
    result = json.loads(line)
    top = result["suggestions"][0]
    assert top["agency"] == "工业和信息化部"
    assert top["terms"] and top["reason"]
    text = run("route", "支持芯片产业发展", "--model", out_dir, "--quiet")
    assert "1. 工业和信息化部" in text


def test_artifact_checksum_is_verified(fixture_dir, tmp_path):
    from lianghui.insights.artifacts import ArtifactError, load_artifact, save_artifact

    save_artifact({"a": 1}, tmp_path, kind="demo", data_sha256="0" * 64)
    obj, meta = load_artifact(tmp_path, kind="demo")
    assert obj == {"a": 1}
    with pytest.raises(ArtifactError):
        load_artifact(tmp_path, kind="routing")
    (tmp_path / "model.joblib").write_bytes(b"tampered")
    with pytest.raises(ArtifactError):
        load_artifact(tmp_path)


def test_cluster_command(tmp_path):
    f = tmp_path / "texts.txt"
    f.write_text(
        "关于加快推进人工智能大模型在政务服务中规范应用的建议\n"
        "加强长江流域水污染治理\n"
        "关于加快推进人工智能大模型在政务服务中规范应用的提案\n",
        encoding="utf-8",
    )
    result = json.loads(run("cluster", f, "--json", "--quiet"))
    assert result["clusters"] == [[0, 2]]


def test_topics_command():
    result = json.loads(run("topics", "加强个人信息保护", "--json", "--quiet"))
    assert result["topics"][0]["topic"] == "data"
