"""Theme analysis of consultation comments: time and peak memory at scale.

    python bench/themes/run.py [--comments 10000] [--runs 3] [--seed 15]

Generates the comments deterministically (seeded): sentences about working
hours, pay, appeals, opting out, user tags, disclosure and minors, from every
capacity, with planted campaigns (one text sent hundreds of times, and
near-identical variants of another). Each run is a fresh process, so its peak
resident memory is the analysis's own (imports included: scikit-learn, numpy,
the segmenter's dictionary). Prints the median time, the largest peak memory,
the themes found with their keywords, and how many of the planted campaign's
copies were grouped. Targets: under a minute and under 1 GB for 10,000 comments.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SUBJECTS = {
    "hours": [
        "骑手每天工作时间太长",
        "算法派单不让我们休息",
        "连续接单十几个小时没有休息时间",
        "送餐时限越来越短，只能超时超速",
        "working hours set by the app leave no time to rest",
    ],
    "pay": [
        "报酬构成看不懂",
        "计件单价不断下调",
        "奖惩规则随意变化，罚款太多",
        "pay per order keeps falling and penalties are opaque",
    ],
    "appeal": [
        "被封号没有解释，申诉无人处理",
        "申诉入口应当有人工处理",
        "算法处罚应当说明理由并允许申诉",
        "appeals against automated penalties go unanswered",
    ],
    "optout": [
        "希望一键关闭个性化推荐",
        "关闭推荐后不要反复弹窗",
        "应当提供不针对个人特征的选项",
        "users should be able to switch off personalised recommendation",
    ],
    "tags": [
        "用户应当可以查看和删除自己的标签",
        "平台给我打的标签应当公开",
        "删除标签应包括推断出的特征",
    ],
    "disclosure": [
        "算法原理的公示要通俗易懂",
        "公示范围涉及商业秘密，应当明确",
        "建议制定统一的公示模板",
    ],
    "minors": ["未成年人推荐内容应当更严格", "防止未成年人沉迷"],
}
ASKS = [
    "建议第四条写明",
    "希望规定",
    "请在最终文本中明确",
    "应当增加条款",
    "我们要求",
    "",
]
ENDINGS = ["。", "！", "，谢谢。", "，请认真考虑。", ""]
CAPACITIES = ["individual", "worker", "union", "company", "industry", "expert", "public_body"]
CAMPAIGN = "我们要求：算法不得逼骑手超时超速，每天工作时间应有上限，平台改规则前先听我们的意见！"
NEAR = "支持工会参与算法规则的制定，平台调整派单和计酬规则前必须与劳动者代表协商"


def generate(n: int, seed: int) -> tuple[list[str], list[str], list[int]]:
    """(texts, capacities, indexes of the planted campaign's copies)."""
    rng = random.Random(seed)
    texts, capacities, planted = [], [], []
    campaign = n // 20  # 5%: one text sent many times
    near = n // 40  # 2.5%: near-identical variants of another
    for i in range(n):
        if i < campaign:
            texts.append(CAMPAIGN)
            capacities.append("worker")
            planted.append(i)
            continue
        if i < campaign + near:
            texts.append(
                NEAR + rng.choice(ENDINGS) + rng.choice(["", "（某区工会）", "（骑手代表）"])
            )
            capacities.append("union")
            continue
        subjects = rng.sample(list(SUBJECTS), k=rng.choice([1, 1, 2]))
        parts = [rng.choice(ASKS) + rng.choice(SUBJECTS[s]) for s in subjects]
        texts.append(
            "，".join(parts) + rng.choice(ENDINGS) + (f" ({i})" if rng.random() < 0.3 else "")
        )
        capacities.append(rng.choice(CAPACITIES))
    order = list(range(n))
    rng.shuffle(order)
    where = {old: new for new, old in enumerate(order)}
    return (
        [texts[i] for i in order],
        [capacities[i] for i in order],
        sorted(where[i] for i in planted),
    )


def child(n: int, seed: int) -> None:
    t0 = time.perf_counter()
    from lianghui.consultations.themes import analyse

    texts, _capacities, planted = generate(n, seed)
    t1 = time.perf_counter()
    result = analyse(texts)
    t2 = time.perf_counter()
    grouped = max(
        (len(set(c) & set(planted)) for c in result.campaigns),
        default=0,
    )
    print(
        json.dumps(
            {
                "import_and_generate_s": t1 - t0,
                "analysis_s": t2 - t1,
                "themes": [
                    {"size": len(t.members), "label": t.label_zh or t.label_en}
                    for t in result.themes
                ],
                "campaigns": len(result.campaigns),
                "planted": len(planted),
                "planted_grouped": grouped,
            },
            ensure_ascii=False,
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.comments, args.seed)
        return
    times, totals, peaks, last = [], [], [], None
    for _run in range(args.runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.perf_counter()
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                "--comments",
                str(args.comments),
                "--seed",
                str(args.seed),
            ],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        totals.append(time.perf_counter() - started)
        last = json.loads(out.stdout.strip().splitlines()[-1])
        times.append(last["analysis_s"])
        # ru_maxrss of children is the largest child so far (KiB on Linux).
        peaks.append(max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
    peak_mb = max(peaks) / 1024
    print(f"comments: {args.comments:,} (seed {args.seed}), runs: {args.runs}")
    print(
        f"analysis time, median: {statistics.median(times):.2f} s "
        f"(runs: {', '.join(f'{t:.2f}' for t in times)})"
    )
    print(f"whole process incl. imports, median: {statistics.median(totals):.2f} s")
    print(f"peak memory (largest run, whole process): {peak_mb:.0f} MB")
    print(f"themes: {len(last['themes'])}")
    for t in last["themes"]:
        print(f"  {t['size']:>6}  {t['label']}")
    print(
        f"campaigns found: {last['campaigns']}; planted campaign copies grouped: "
        f"{last['planted_grouped']}/{last['planted']}"
    )
    ok = statistics.median(times) < 60 and peak_mb < 1024
    print("target (under a minute, under 1 GB):", "met" if ok else "NOT met")


if __name__ == "__main__":
    main()
