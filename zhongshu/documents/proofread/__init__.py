"""The proofreader (校对) for outgoing documents: gongwen.md §6, rules R1–R30.

    from zhongshu.documents import proofread

    findings = proofread.check(proofread.Draft(kind="请示", title=..., body=[...]))

A pure library: it reads a plain Draft and returns Findings, touching neither the database nor
the request. Errors break the 条例 or GB/T 9704 and block 签发; warnings are customs, unverified
rules and heuristics for the proofreader to judge.
"""

from .draft import DEFAULT_TYPOS, Block, Draft, Typo
from .findings import ELEMENTS, Finding, Location, Severity
from .registry import RULES, Rule, check, rules_reading

__all__ = [
    "DEFAULT_TYPOS",
    "ELEMENTS",
    "RULES",
    "Block",
    "Draft",
    "Finding",
    "Location",
    "Rule",
    "Severity",
    "Typo",
    "check",
    "rules_reading",
]
