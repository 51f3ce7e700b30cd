"""Benchmark: recall and false-positive rate of the 非法社会组织 name screening.

    .venv/bin/python bench/screening.py [--threshold 85] [--verbose]

The list side holds published-style illegal names (the kind 民政部 publishes in its
涉嫌非法社会组织名单, several quoted in ../shared/data/README.md). Each is queried in
realistic variants (spacing, full-width characters, swapped suffix, added or swapped
prefix, （筹） notes, 总会); every variant should be flagged (recall). Legitimate
organisations with look-alike names (mostly registered national bodies such as
中国硬笔书法协会, the legal look-alike of 中国现代硬笔书法研究会) should not be (false positives).
Pure name matching: no database, no credit codes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from matchmaker.services.organisations import namematch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ILLEGAL = [
    "中国区块链委员会", "中国志愿者协会", "中国产业发展促进协会", "中医药民间协会",
    "中国现代硬笔书法研究会", "中国美丽乡村产业发展委员会", "中国支教联盟",
    "中国国学文化研究院", "中华民族文化促进总会", "中国书画艺术家联合会",
    "中国民间艺术家协会", "中国健康养生产业联盟", "中国城乡规划建设研究会",
    "中国非遗文化传承委员会", "中国企业家品牌发展联盟", "中国老年艺术家协会",
    "中国电子商务创业委员会", "中华慈善家协会", "中国生态环境保护促进会",
    "中国智慧城市产业联盟", "中国特色小镇发展委员会", "全国乡村振兴促进会",
    "中国少儿艺术教育协会", "中国红色文化传承联盟", "中国武术文化研究会",
    "中国茶道艺术促进会", "中国孝文化研究会", "国际中华文化交流促进会",
    "中国一带一路经济发展委员会", "中国教育发展研究院", "中国青少年体育发展联盟",
    "中国营养健康产业协会", "中国美业联合会", "世界华人书画家协会",
]

#: Hand-written variants seen in practice, besides the generated ones.
EXTRA_VARIANTS = {
    "中国现代硬笔书法研究会": ["中国现代硬笔书法研究总会", "中华现代硬笔书法学会"],
    "中国区块链委员会": ["中国区块链工作委员会", "中华区块链委员会（筹备组）"],
    "中国志愿者协会": ["中华志愿者联合会", "全国志愿者总会"],
    "中国支教联盟": ["中国支教志愿联盟", "中华支教联盟"],
    "中医药民间协会": ["中华中医药民间协会", "中国中医药民间联合会"],
}

LEGITIMATE = [
    "中国硬笔书法协会", "中国青年志愿者协会", "中国志愿服务联合会", "中国乡村发展基金会",
    "中国书法家协会", "中国美术家协会", "中国民间文艺家协会", "中国产业发展促进会",
    "中国中医药研究促进会", "中华中医药学会", "中国企业联合会", "中国企业家协会",
    "中国慈善联合会", "中华慈善总会", "中国生态文明研究与促进会", "中国环境保护产业协会",
    "中国城市科学研究会", "中国城市规划协会", "中国少年儿童文化艺术基金会", "中国武术协会",
    "中国茶叶流通协会", "中国国际茶文化研究会", "中国孔子基金会", "中国教育发展战略学会",
    "中国青少年发展基金会", "中国营养学会", "中国老年学和老年医学学会", "中国收藏家协会",
    "中国社会福利基金会", "中国自动化学会", "中国扶贫开发协会", "中国电子商务协会",
    "中华文化促进会", "中国老年书画研究会", "中国教育学会", "中国体育科学学会",
    "中国民间组织国际交流促进会", "上海市志愿者协会", "西藏自治区慈善总会",
    "新疆维吾尔自治区慈善总会", "中国光彩事业促进会", "中国红十字基金会",
]

_SWAP = {"协会": "联合会", "联合会": "协会", "委员会": "协会", "研究会": "学会",
         "促进会": "协会", "联盟": "联合会", "研究院": "研究会", "总会": "协会"}
_PREFIX_SWAP = {"中国": "中华", "中华": "中国", "全国": "中国", "国际": "中国", "世界": "全球"}


def _fullwidth(text: str) -> str:
    """Spaces as ideographic spaces and a full-width note, as copied from Word/PDF lists."""
    return text[:2] + "\u3000" + text[2:] + "（筹）"


def variants(name: str) -> list[str]:
    """Realistic variants of a listed name: spacing, full width, swapped suffix/prefix."""
    out = [" ".join(name), name[:2] + " " + name[2:] + " ", _fullwidth(name)]
    for old, new in _SWAP.items():
        if name.endswith(old):
            out.append(name[: -len(old)] + new)
            break
    for old, new in _PREFIX_SWAP.items():
        if name.startswith(old):
            out.append(new + name[len(old):])
            break
    else:
        out.append("中国" + name)
    out.append("全国" + name.removeprefix("中国").removeprefix("中华"))
    return out + EXTRA_VARIANTS.get(name, [])


def evaluate(threshold: float = namematch.THRESHOLD, verbose: bool = False) -> dict:
    """Recall over the variants and false-positive rate over the legitimate names."""
    cores = [namematch.core(n) for n in ILLEGAL]
    cleaned = [namematch.clean(n) for n in ILLEGAL]
    queries = [(v, name) for name in ILLEGAL for v in variants(name)]
    missed = [(v, name) for v, name in queries
              if ILLEGAL.index(name) not in
              {m.index for m in namematch.match_name(v, cores, cleaned, threshold)}]
    flagged = []
    for legal in LEGITIMATE:
        matches = namematch.match_name(legal, cores, cleaned, threshold)
        if matches:
            flagged.append((legal, ILLEGAL[matches[0].index], matches[0].score))
    result = {
        "illegal_names": len(ILLEGAL), "variants": len(queries),
        "legitimate": len(LEGITIMATE),
        "recall": 1 - len(missed) / len(queries),
        "false_positive_rate": len(flagged) / len(LEGITIMATE),
        "missed": missed, "false_positives": flagged,
    }
    if verbose:
        for v, name in missed:
            print(f"  漏检  {v!r}  ← {name}")
        for legal, listed, score in flagged:
            print(f"  误报  {legal}  ≈ {listed}  ({score:.2f})")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=namematch.THRESHOLD)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    r = evaluate(args.threshold, args.verbose)
    print(f"名单 {r['illegal_names']} 个名称，变体 {r['variants']} 个；合法近似名称 "
          f"{r['legitimate']} 个；阈值 {args.threshold:g}")
    print(f"recall {r['recall']:.1%} ({r['variants'] - len(r['missed'])}/{r['variants']})")
    print(f"false positives {r['false_positive_rate']:.1%} "
          f"({len(r['false_positives'])}/{r['legitimate']})")


if __name__ == "__main__":
    main()
