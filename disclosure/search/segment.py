"""Chinese words for the index and the query: jieba's search-engine mode.

Chinese is written without spaces, so neither PostgreSQL's parsers nor SQLite's LIKE can
find "办公设备" in "采购一批办公设备" by word. jieba cuts the text into words, and in its
search mode also into the shorter words inside long ones (中华人民共和国 → 中华, 华人,
人民, 共和, 共和国, 中华人民共和国), so a query for a part of a compound finds it. The
index stores the words space-separated; PostgreSQL's ``simple`` configuration then only
lower-cases them.
"""

import logging
import re
from functools import lru_cache
from pathlib import Path

import jieba

jieba.setLogLevel(logging.WARNING)

# Punctuation and symbols are not words; letters, digits and CJK are kept.
_WORD = re.compile(r"[\w\u3400-\u9fff]", re.UNICODE)
# tsquery's operators and quotes, which a word must not carry into a query.
_TSQUERY_SPECIAL = re.compile(r"[&|!():*'\\<>]")


# Procurement's own terms (竞争性磋商, 单一来源, 采购代理机构 …), kept whole by the cut and,
# in search mode, also cut into the words inside them. A change means a reindex
# (disclosure_reindex): the index must be cut as the queries are.
USER_DICT = Path(__file__).with_name("dict.txt")


@lru_cache(maxsize=1)
def _ready() -> bool:
    jieba.initialize()
    jieba.load_userdict(str(USER_DICT))
    return True


def words(text: str) -> list[str]:
    """The text's words, lower-cased, in order, punctuation dropped (duplicates kept)."""
    if not text:
        return []
    _ready()
    out = []
    for word in jieba.cut_for_search(text):
        word = _TSQUERY_SPECIAL.sub("", word.strip().lower())
        if word and _WORD.search(word):
            out.append(word)
    return out


def segmented(text: str) -> str:
    """The text as space-separated words: the form ``search_text`` stores."""
    return " ".join(words(text))


def query_words(query: str) -> list[str]:
    """A person's query as the words to find, each once, in order. A query is cut like
    the text (jieba's precise mode: 办公设备采购 → 办公设备, 采购), so each word of the
    query is a word the index holds."""
    return list(_query_words(query)) if query else []


@lru_cache(maxsize=256)
def _query_words(query: str) -> tuple[str, ...]:
    # Cut once per query and process: a page asks for every result's highlight.
    _ready()
    seen: dict[str, None] = {}
    for word in jieba.cut(query):
        word = _TSQUERY_SPECIAL.sub("", word.strip().lower())
        if word and _WORD.search(word):
            seen.setdefault(word, None)
    return tuple(seen)
