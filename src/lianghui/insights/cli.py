"""The `insights` command line: train, evaluate, route, score-pairs, cluster, topics.

One parser serves the Django management command (`lianghui insights ...`) and
`python -m lianghui.insights.cli ...` (no database needed for any of it).
Progress goes to stderr; results go to stdout, as JSON with ``--json``.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

__all__ = ["add_arguments", "main", "run"]


def _progress(stream: TextIO, quiet: bool) -> Callable[[str], None]:
    start = time.monotonic()

    def say(message: str) -> None:
        if not quiet:
            print(f"[{time.monotonic() - start:6.1f}s] {message}", file=stream, flush=True)

    return say


def _dump(obj, out: TextIO) -> None:
    out.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")


def add_arguments(parser: argparse.ArgumentParser, **subparser_kwargs) -> None:
    sub = parser.add_subparsers(dest="subcommand", required=True, **subparser_kwargs)

    def common(p):
        p.add_argument("--json", action="store_true", help="machine-readable output")
        p.add_argument("--quiet", action="store_true", help="no progress messages")
        p.add_argument(
            "--user-dict", action="append", default=[], help="extra jieba-format dictionary"
        )
        p.add_argument("--t2s", action="store_true", help="convert traditional to simplified")

    p = sub.add_parser(
        "train", help="train a routing model from a labelled CSV or from the database"
    )
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--csv", help="labelled CSV (with --text and --label)")
    source.add_argument(
        "--from-db",
        action="store_true",
        help="learn from past lead assignments and topics (overrides weighted in)",
    )
    p.add_argument("--body", help="with --from-db: only this body's proposals (its key)")
    p.add_argument("--text", help="text column")
    p.add_argument("--label", help="label column (agency)")
    p.add_argument(
        "--output",
        help="artifact folder (default: var/insights/models/routing-*); with --from-db, the "
        "folder receiving routing-*/ and topics-*/ (default: the models root[/BODY])",
    )
    p.add_argument("--min-rows", type=int, default=1)
    p.add_argument("--responsibilities", help="CSV with columns agency,responsibilities")
    p.add_argument("--tune", action="store_true", help="tune C/class weight by inner CV")
    common(p)

    p = sub.add_parser("evaluate", help="train on TRAIN, score TEST")
    p.add_argument("--train", required=True)
    p.add_argument("--test", required=True)
    p.add_argument("--text", required=True)
    p.add_argument("--label", required=True)
    p.add_argument("--min-rows", type=int, default=1)
    p.add_argument("--tune", action="store_true")
    common(p)

    p = sub.add_parser("score-pairs", help="one similarity score per text1<TAB>text2 line")
    p.add_argument("file")
    p.add_argument("--train", help="labelled pairs (text1<TAB>text2<TAB>label) to learn weights")
    p.add_argument(
        "--untrained",
        action="store_true",
        help="the hand-set near-duplicate blend (same as --scorer blend; better for "
        "edited copies of one text)",
    )
    p.add_argument(
        "--scorer",
        choices=["combined", "embedding", "paraphrase", "blend", "tfidf"],
        help="default: the best validated scorer that can run here (combined with a "
        "multilingual embedding model installed, else paraphrase); tfidf is the baseline",
    )
    common(p)

    p = sub.add_parser("route", help="ranked agencies for a text, with reasons")
    p.add_argument("text", help='the text, or "-" to route each line of stdin')
    p.add_argument("--model", help="artifact folder (default: the latest routing model)")
    p.add_argument("-k", type=int, default=3)
    common(p)

    p = sub.add_parser("cluster", help="near-duplicate clusters (merge candidates)")
    p.add_argument("file", help="CSV (with --text) or a text file with one document per line")
    p.add_argument("--text", help="text column of a CSV")
    p.add_argument("--threshold", type=float, default=0.5)
    common(p)

    p = sub.add_parser("topics", help="topics of a text under a scheme (keyword seeds)")
    p.add_argument("text")
    p.add_argument("--scheme", help="topic scheme JSON (default: tech-policy)")
    common(p)


def _segmenter(args):
    from .text import Segmenter, default_segmenter

    if args.user_dict or args.t2s:
        return Segmenter(dictionaries=args.user_dict, t2s=args.t2s)
    return default_segmenter()


def _read_responsibilities(path: str | None) -> dict[str, str]:
    if not path:
        return {}
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    return {r["agency"].strip(): r["responsibilities"] for r in rows if r.get("agency")}


def cmd_train(args, out, say) -> int:
    from .artifacts import data_hash, new_artifact_dir, save_artifact
    from .classifier import ClassifierConfig
    from .evaluation import _drop_rare, holdout_report, read_labelled_csv
    from .routing import Router

    if args.from_db:
        return cmd_train_from_db(args, out, say)
    if not (args.text and args.label):
        raise SystemExit("train --csv needs --text COL and --label COL")
    texts, labels = read_labelled_csv(args.csv, args.text, args.label)
    resp = _read_responsibilities(args.responsibilities)
    say(f"read {len(texts)} rows, {len(set(labels))} labels, {len(resp)} responsibilities")
    say("held-out evaluation (80/20)")
    segmenter = _segmenter(args)
    report = holdout_report(
        texts,
        labels,
        min_rows=args.min_rows,
        tune=args.tune,
        responsibilities=resp,
        segmenter=segmenter,
        progress=say,
    )
    say(f"held-out top1={report['top1']:.3f} top3={report['top3']:.3f}")
    texts, labels, _ = _drop_rare(texts, labels, args.min_rows)
    say(f"training on all {len(texts)} rows")
    router = Router(ClassifierConfig(), segmenter=segmenter)
    router.fit(texts, labels, responsibilities=resp, tune=args.tune, progress=say)
    directory = Path(args.output) if args.output else new_artifact_dir("routing")
    meta = save_artifact(
        router,
        directory,
        kind="routing",
        data_sha256=data_hash(zip(texts, labels, strict=True)),
        params={
            "source": str(args.csv),
            "text": args.text,
            "label": args.label,
            "min_rows": args.min_rows,
            "tune": args.tune,
            **router.describe(),
        },
        evaluation=report,
    )
    say(f"wrote {directory}")
    if args.json:
        _dump({"artifact": str(directory), **meta}, out)
    else:
        out.write(f"artifact: {directory}\n")
        out.write(
            f"held-out: top1={report['top1']:.3f} top3={report['top3']:.3f} "
            f"macro_f1={report['macro_f1']:.3f} (n_test={report['n_test']})\n"
        )
    return 0


def cmd_train_from_db(args, out, say) -> int:
    try:
        from django.conf import settings

        settings.INSTALLED_APPS  # noqa: B018 - fails without Django settings
    except Exception:
        raise SystemExit(
            "train --from-db reads the database: run it as `lianghui insights train --from-db`"
        ) from None
    from .training import TrainingError, train_from_db

    try:
        result = train_from_db(
            body_key=args.body,
            output=args.output,
            min_rows=max(args.min_rows, 1),
            tune=args.tune,
            segmenter=_segmenter(args),
            say=say,
        )
    except TrainingError as exc:
        raise SystemExit(str(exc)) from None
    if args.json:
        _dump(result, out)
        return 0
    routing = result["routing"]
    ev = routing["evaluation"]
    out.write(f"routing artifact: {routing['artifact']}\n")
    out.write(
        f"held-out: top1={ev['top1']:.3f} top3={ev['top3']:.3f} "
        f"macro_f1={ev['macro_f1']:.3f} (n_test={ev['n_test']})\n"
    )
    if result["topics"]:
        ev = result["topics"]["evaluation"]
        out.write(f"topics artifact: {result['topics']['artifact']}\n")
        out.write(
            f"held-out: micro_f1={ev['micro_f1']:.3f} macro_f1={ev['macro_f1']:.3f} "
            f"(n_test={ev['n_test']})\n"
        )
    else:
        out.write("topics: not enough labelled proposals; keywords stay in use\n")
    return 0


def cmd_evaluate(args, out, say) -> int:
    from .evaluation import evaluate_split, read_labelled_csv

    tr_x, tr_y = read_labelled_csv(args.train, args.text, args.label)
    te_x, te_y = read_labelled_csv(args.test, args.text, args.label)
    say(f"train {len(tr_x)} rows, test {len(te_x)} rows")
    report = evaluate_split(
        tr_x,
        tr_y,
        te_x,
        te_y,
        min_rows=args.min_rows,
        tune=args.tune,
        segmenter=_segmenter(args),
        progress=say,
    )
    if args.json:
        _dump(report, out)
    else:
        for key in (
            "n_train",
            "n_labels",
            "n_test",
            "dropped_test_rows",
            "top1",
            "top3",
            "macro_f1",
        ):
            out.write(f"{key:18s} {report[key]}\n")
    return 0


def _read_pairs(path: str) -> tuple[list[tuple[str, str]], list[int | None]]:
    pairs, labels = [], []
    with open(path, encoding="utf-8-sig") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\r\n")
            if not line:
                continue
            parts = line.split("\t")
            if len(parts) < 2:
                raise ValueError(f"{path}:{n}: expected text1<TAB>text2[<TAB>label]")
            pairs.append((parts[0], parts[1]))
            label = parts[2].strip() if len(parts) > 2 else ""
            labels.append(int(float(label)) if label not in ("", "label") else None)
    return pairs, labels


def cmd_score_pairs(args, out, say) -> int:
    from . import pairs as scorers
    from .duplicates import PairScorer

    pairs, labels = _read_pairs(args.file)
    if args.train:
        scorer = PairScorer(_segmenter(args))
        tp, tl = _read_pairs(args.train)
        keep = [(p, y) for p, y in zip(tp, tl, strict=True) if y is not None]
        say(f"learning pair weights from {len(keep)} labelled pairs")
        scorer.fit([p for p, _ in keep], [y for _, y in keep])
        name = "trained"
        say(f"scoring {len(pairs)} pairs")
        scores = scorer.score(pairs)
    else:
        name = "blend" if args.untrained else args.scorer or scorers.default_name()
        say(f"scoring {len(pairs)} pairs with {name}")
        scores = scorers.score(name, pairs, _segmenter(args))
    if args.json:
        result = {"n": len(pairs), "scorer": name, "scores": [round(float(s), 6) for s in scores]}
        known = [(s, y) for s, y in zip(scores, labels, strict=True) if y is not None]
        if known and len({y for _, y in known}) == 2:
            from sklearn.metrics import roc_auc_score

            result["auc"] = float(roc_auc_score([y for _, y in known], [s for s, _ in known]))
        _dump(result, out)
    else:
        for s in scores:
            out.write(f"{float(s):.6f}\n")
    return 0


def _load_router(path: str | None):
    from .artifacts import latest_artifact, load_artifact

    directory = Path(path) if path else latest_artifact("routing")
    if directory is None:
        raise SystemExit("no routing model: train one with `insights train` or pass --model")
    return load_artifact(directory, kind="routing")


def cmd_route(args, out, say) -> int:
    router, meta = _load_router(args.model)
    texts = (
        [line.strip() for line in sys.stdin if line.strip()] if args.text == "-" else [args.text]
    )
    results = router.route_many(texts, k=args.k)
    for text, suggestions in zip(texts, results, strict=True):
        if args.json:
            _dump(
                {
                    "text": text,
                    "model": meta.get("created"),
                    "suggestions": [s.as_dict() for s in suggestions],
                },
                out,
            )
        else:
            out.write(f"{text}\n")
            for rank, s in enumerate(suggestions, 1):
                out.write(f"  {rank}. {s.agency}  {s.score:.3f}  — {s.reason}\n")
    return 0


def _read_texts(path: str, column: str | None) -> list[str]:
    if column:
        from .evaluation import read_labelled_csv

        return read_labelled_csv(path, column)[0]
    return [line.strip() for line in Path(path).read_text(encoding="utf-8").splitlines() if line]


def cmd_cluster(args, out, say) -> int:
    from .duplicates import cluster

    texts = _read_texts(args.file, args.text)
    result = cluster(texts, threshold=args.threshold, progress=say)
    if args.json:
        _dump({"stats": result.stats, "clusters": result.clusters}, out)
    else:
        out.write(json.dumps(result.stats) + "\n")
        for cid, members in enumerate(result.clusters):
            out.write(f"cluster {cid} ({len(members)}):\n")
            for i in members[:10]:
                out.write(f"  [{i}] {texts[i][:80]}\n")
    return 0


def cmd_topics(args, out, say) -> int:
    from .topics import KeywordTagger, load_scheme

    tagger = KeywordTagger(load_scheme(args.scheme), _segmenter(args))
    topics = [t.as_dict() for t in tagger.score(args.text)]
    if args.json:
        _dump({"text": args.text, "topics": topics}, out)
    else:
        for t in topics:
            out.write(f"{t['topic']:16s} {t['score']:.3f}  {', '.join(t['terms'])}\n")
    return 0


COMMANDS = {
    "train": cmd_train,
    "evaluate": cmd_evaluate,
    "score-pairs": cmd_score_pairs,
    "route": cmd_route,
    "cluster": cmd_cluster,
    "topics": cmd_topics,
}


def run(args, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    say = _progress(err, getattr(args, "quiet", False))
    return COMMANDS[args.subcommand](args, out, say)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="insights", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
