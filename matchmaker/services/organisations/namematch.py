"""Name normalisation and look-alike matching for 非法社会组织 screening. Pure functions."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz, process

#: Prefixes that imitate national (or international) bodies; stripped for matching.
PREFIXES = ("中华人民共和国", "中国", "中华", "全国", "国际", "世界", "全球", "亚洲", "国家")
#: Generic organisation suffixes, longest first; one is stripped for matching.
SUFFIXES = tuple(sorted((
    "协会", "学会", "促进会", "委员会", "联盟", "基金会", "研究会", "联合会", "总会", "商会",
    "研究院", "研究所", "研究中心", "中心", "促进协会", "联合总会", "分会", "理事会",
    "工作委员会", "专业委员会", "办公室", "组委会", "俱乐部", "会",
), key=len, reverse=True))
SPECIAL_WORDS = ("中国", "中华", "全国", "国际", "世界")
#: Words that only qualify the organisation type (促进会 → 促进联合会); stripped after it.
TYPE_WORDS = ("促进",)
#: Parenthesised notes such as （筹）, （筹备组）, (试运行) carry no identity.
_NOTES = re.compile(r"[（(【\[][^）)】\]]{0,8}[）)】\]]")
_NOTE_WORDS = re.compile(r"筹备组|筹备委员会|筹委会|筹建处|筹$")
#: Similarity (0–100, rapidfuzz ratio on the cores) from which a name is a look-alike.
THRESHOLD = 85.0


def clean(name: str) -> str:
    """Full/half width folded (NFKC), lower case, notes, spaces and punctuation removed."""
    text = unicodedata.normalize("NFKC", name or "").lower()
    text = _NOTES.sub("", text)
    return "".join(ch for ch in text if ch.isalnum())


def core(name: str) -> str:
    """The distinctive part of a name: ``clean`` without national prefixes and the suffix."""
    text = _NOTE_WORDS.sub("", clean(name))
    changed = True
    while changed:
        changed = False
        for prefix in PREFIXES:
            if text.startswith(prefix) and len(text) > len(prefix) + 1:
                text, changed = text[len(prefix):], True
    for suffix in SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix) + 1:
            text = text[: -len(suffix)]
            break
    for word in TYPE_WORDS:
        if text.endswith(word) and len(text) > len(word) + 1:
            text = text[: -len(word)]
    return text


@dataclass(frozen=True)
class NameMatch:
    index: int  #: position in the candidate list
    kind: str  #: "exact" or "similar"
    score: float  #: 0–1


def match_name(name: str, cores: list[str], cleaned: list[str],
               threshold: float = THRESHOLD) -> list[NameMatch]:
    """Entries whose name equals ``name`` (after cleaning) or whose core resembles its core.

    ``cores`` and ``cleaned`` are the precomputed ``core``/``clean`` of the candidates.
    """
    own_clean, own_core = clean(name), core(name)
    found: dict[int, NameMatch] = {}
    for i, other in enumerate(cleaned):
        if other and other == own_clean:
            found[i] = NameMatch(i, "exact", 1.0)
    if len(own_core) >= 2:
        for _text, score, i in process.extract(own_core, cores, scorer=fuzz.ratio,
                                               score_cutoff=threshold, limit=None):
            if i not in found and min(len(own_core), len(cores[i])) >= 2:
                found[i] = NameMatch(i, "similar", round(score / 100, 3))
    return sorted(found.values(), key=lambda m: -m.score)


def is_lookalike(name: str, listed: str, threshold: float = THRESHOLD) -> bool:
    """True when ``name`` would be flagged against the single list name ``listed``."""
    return bool(match_name(name, [core(listed)], [clean(listed)], threshold))


def special_name_warning(name: str, kind: str, uscc_code: str | None) -> str | None:
    """特殊名称: 中国/中华/全国/国际/世界 in the name of a social organisation not registered
    at national level (credit code positions 3–8 ≠ 100000)."""
    if kind != "social_org":
        return None
    used = [w for w in SPECIAL_WORDS if w in clean(name)]
    if not used:
        return None
    if uscc_code and len(uscc_code) == 18 and uscc_code[2:8] == "100000":
        return None
    where = f"登记机关代码 {uscc_code[2:8]}" if uscc_code and len(uscc_code) == 18 else "无信用代码"
    return (f"名称使用“{'、'.join(used)}”，但该单位不是在民政部登记的全国性社会组织"
            f"（{where}），请核实是否经批准使用特殊名称。")
