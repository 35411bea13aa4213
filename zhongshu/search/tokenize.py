"""The one tokenizer of the search index (DESIGN.md "Search").

Chinese, Japanese and Korean runs become overlapping character bigrams (a one-character run is
kept as that character); other letters and digits form whole words, lower-cased; everything else
separates tokens and is dropped. The same function splits the indexed text and the query, so a
query's tokens appear, in order and adjacent, in the tokens of any text that contains it: a phrase
match on the tokens is a substring match on the text (for CJK runs of 2+ characters).

A CJK run of the indexed text also gives its first and last characters on their own, before and
after its bigrams, so a query whose CJK run ends where a number or a Latin word begins finds the
text whose run goes on further: "2026年" finds "2026年度", "第1项" finds "关于第1项",
"发〔2026〕7号" finds "市政发〔2026〕7号". The query gives those single characters only at
such a join (a run of its own that is not first, or not last, in the term), so a plain Chinese
word stays a run of adjacent bigrams, which the index holds adjacent too.
"""

import re
import unicodedata

# Raised whenever the tokens of a text change: an index written by another version is rebuilt
# after ``migrate`` (services.ensure_index_format). 2: the edge characters of CJK runs.
VERSION = 2

# Han (with extensions and compatibility ideographs), 々〆〇, kana, Hangul syllables.
_CJK = (
    "\u3005-\u3007\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
    "\U00020000-\U0003134f"
)
_RUN = re.compile(rf"([{_CJK}]+)|([^\W_{_CJK}]+)")
_TERM_SPLIT = re.compile(r"\s+")


def _normalise(text: str) -> str:
    # Full-width letters and digits (ＧＢ９７０４) and compatibility ideographs fold to usual ones.
    return unicodedata.normalize("NFKC", text or "")


def token_list(text: str, *, query: bool = False) -> list[str]:
    """The tokens of ``text``; ``query``: of one query term (edge characters only at joins)."""
    out: list[str] = []
    runs = _RUN.findall(_normalise(text))
    for n, (cjk, word) in enumerate(runs):
        if not cjk:
            out.append(word.lower())
        elif len(cjk) == 1:
            out.append(cjk)
        else:
            if not query or n > 0:
                out.append(cjk[0])
            out.extend(cjk[i : i + 2] for i in range(len(cjk) - 1))
            if not query or n < len(runs) - 1:
                out.append(cjk[-1])
    return out


def tokens(text: str) -> str:
    """The space-separated index text of ``text``: 食品安全 → "食 食品 品安 安全 全"."""
    return " ".join(token_list(text))


def query_tokens(query: str) -> str:
    """The tokens of one query term: 食品安全 → "食品 品安 安全", 2026年 → "2026 年"."""
    return " ".join(token_list(query, query=True))


def query_terms(query: str) -> list[str]:
    """One token phrase per whitespace-separated term of a query (terms are ANDed).

    "食品 安全" finds texts containing both words anywhere, which a single phrase
    "食品 安全" (adjacent tokens, not a substring of 食品安全) would miss.
    """
    terms = []
    for term in _TERM_SPLIT.split(_normalise(query).strip()):
        phrase = query_tokens(term)
        if phrase and phrase not in terms:
            terms.append(phrase)
    return terms


def match_length(query: str) -> int:
    """The number of letters and digits in a query (punctuation and spaces not counted)."""
    return sum(len(a) + len(b) for a, b in _RUN.findall(_normalise(query)))
