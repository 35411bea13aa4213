"""The one tokenizer of the search index (DESIGN.md "Search").

Chinese, Japanese and Korean runs become overlapping character bigrams (a one-character run is
kept as that character); other letters and digits form whole words, lower-cased; everything else
separates tokens and is dropped. The same function splits the indexed text and the query, so a
query's tokens appear, in order and adjacent, in the tokens of any text that contains it: a phrase
match on the tokens is a substring match on the text (for CJK runs of 2+ characters).
"""

import re
import unicodedata

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


def token_list(text: str) -> list[str]:
    out: list[str] = []
    for cjk, word in _RUN.findall(_normalise(text)):
        if cjk:
            if len(cjk) == 1:
                out.append(cjk)
            else:
                out.extend(cjk[i : i + 2] for i in range(len(cjk) - 1))
        else:
            out.append(word.lower())
    return out


def tokens(text: str) -> str:
    """The space-separated index text of ``text``: 食品安全 → "食品 品安 安全"."""
    return " ".join(token_list(text))


def query_tokens(query: str) -> str:
    """The tokens of a query, by the same function as the index."""
    return tokens(query)


def query_terms(query: str) -> list[str]:
    """One token phrase per whitespace-separated term of a query (terms are ANDed).

    "食品 安全" finds texts containing both words anywhere, which a single phrase
    "食品 安全" (adjacent tokens, not a substring of 食品安全) would miss.
    """
    terms = []
    for term in _TERM_SPLIT.split(_normalise(query).strip()):
        phrase = tokens(term)
        if phrase and phrase not in terms:
            terms.append(phrase)
    return terms


def match_length(query: str) -> int:
    """The number of letters and digits in a query (punctuation and spaces not counted)."""
    return sum(len(a) + len(b) for a, b in _RUN.findall(_normalise(query)))
