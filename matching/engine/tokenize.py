"""Tokenisation for mixed Chinese / English technical text.

* Chinese: jieba precise mode on a private ``jieba.Tokenizer`` (domain terms
  added with :func:`add_terms` do not leak into other users of jieba).  Long
  words are also split into the dictionary sub-words jieba's search mode would
  give (e.g. 平方和优化 -> 平方, 平方和, 优化), so a compound term still matches
  its parts; the whole word is kept as well, so exact compounds score higher.
* English and other Latin-script words: NFKC, lower-cased, stop words dropped,
  Snowball (Porter2) stemmed.
* Punctuation, whitespace, emoji and lone digits are dropped.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache
from typing import Iterable

import jieba
import snowballstemmer

jieba.setLogLevel(60)  # jieba logs its dictionary loading at INFO

_jieba = jieba.Tokenizer()
_jieba_lock = threading.Lock()
_stemmer = snowballstemmer.stemmer("english")

# jieba is fast on short runs but keeps per-call buffers; very long inputs are
# cut into blocks (at whitespace/punctuation where possible) to bound memory.
_BLOCK_CHARS = 20_000

# Longer "words" are base64 blobs, URLs or runs of one character: not topics.
MAX_WORD_CHARS = 40

# jieba's own block pattern (jieba.re_han_default): it cuts text into runs of
# these characters and segments each run on its own.
_JIEBA_RUN = re.compile(r"([\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]+)")
_OTHER_WORD = re.compile(r"\w+")
_CACHED_RUN_CHARS = 200

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"^[a-z0-9][a-z0-9\-_.+#]*$")
_HAS_WORD_CHAR = re.compile(r"\w")

ENGLISH_STOP_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just may me might more most must my myself no nor not now of off on
    once only or other our ours ourselves out over own same shall she should so some such than
    that the their theirs them themselves then there these they this those through to too
    under until up upon very via was we were what when where which while who whom why will
    with within without would you your yours yourself yourselves et al e g i e using use used
    based new""".split()
)

# Function words that carry no topic.  Kept short on purpose: BM25's IDF already
# discounts frequent words; this list only removes noise from long postings and
# from the "shared key terms" shown to users.
CHINESE_STOP_WORDS = frozenset(
    """的 了 和 与 及 以及 或 或者 在 是 对 对于 等 为 中 上 下 以 并 并且 其 将 把 被 由 从
    而 也 之 于 这 该 此 这些 那些 各 个 种 一种 一个 通过 进行 可以 能够 可 能 具有 有 及其
    其中 我们 本文 文中 本 所 着 地 得 就 都 又 还 但 但是 如果 因此 所以 由于 并对 之间 方面
    不 没有 已 已经 很 更 最 如何 以下 以上 其他 其它 之一 相关 基于 针对""".split()
)


def add_terms(terms: Iterable[str]) -> None:
    """Add domain terms (e.g. technical vocabulary) to the Chinese dictionary.

    Affects texts tokenised afterwards; rebuild indexes built before the call.
    """
    with _jieba_lock:
        for term in terms:
            term = unicodedata.normalize("NFKC", term).strip().lower()
            if term:
                _jieba.add_word(term, freq=None)
    _normalise_word.cache_clear()
    _cut_run.cache_clear()


def _blocks(text: str) -> Iterable[str]:
    """Split a long text into jieba-sized blocks, preferring natural breaks."""
    start = 0
    while start < len(text):
        end = min(start + _BLOCK_CHARS, len(text))
        if end < len(text):
            window = text[end - 200 : end]
            cut = max(window.rfind(c) for c in " \n。，；.,;的")
            if cut >= 0:
                end = end - 200 + cut + 1
        yield text[start:end]
        start = end


@lru_cache(maxsize=200_000)
def _normalise_word(word: str) -> tuple[str, ...]:
    """Map one jieba word to index tokens (possibly none, possibly several)."""
    word = word.strip()
    if not word or not _HAS_WORD_CHAR.search(word):
        return ()  # punctuation, whitespace, emoji
    if _HAN.search(word):
        if word in CHINESE_STOP_WORDS:
            return ()
        parts = [word]
        if len(word) > 2:  # dictionary sub-words, like jieba's search mode
            freq = _jieba.FREQ
            for n in (2, 3):
                for i in range(len(word) - n + 1):
                    gram = word[i : i + n]
                    if gram != word and freq.get(gram) and gram not in CHINESE_STOP_WORDS:
                        parts.append(gram)
        return tuple(parts)
    if word in ENGLISH_STOP_WORDS:
        return ()
    if word.isdigit() and len(word) < 3:
        return ()  # lone small numbers ("2", "10") are list markers, not topics
    if not _LATIN_WORD.match(word):
        return (word,)  # other scripts: keep as is
    return (_stemmer.stemWord(word),) if word.isalpha() else (word,)


@lru_cache(maxsize=100_000)
def _cut_run(run: str) -> tuple[tuple[str, str], ...]:
    """jieba on one Han/alphanumeric run (memoised: clauses repeat a lot in
    real corpora, e.g. boilerplate in patents and achievement forms)."""
    pairs: list[tuple[str, str]] = []
    for word in _jieba.cut(run, HMM=True):
        if len(word) <= MAX_WORD_CHARS:
            # the first token stands for the whole word, later ones for sub-words
            parts = _normalise_word(word)
            pairs.extend((token, word if i == 0 else token) for i, token in enumerate(parts))
    return tuple(pairs)


def tokenize_with_surface(text: str | None) -> list[tuple[str, str]]:
    """(token, word it came from) pairs, so matches can be shown as written."""
    if not text or text.isspace():
        return []
    text = unicodedata.normalize("NFKC", text).lower()
    pairs: list[tuple[str, str]] = []
    # jieba itself segments each run of its block pattern independently, so
    # splitting here first changes nothing but lets runs be memoised.
    for i, piece in enumerate(_JIEBA_RUN.split(text)):
        if not piece:
            continue
        if i % 2:  # a Han/alphanumeric run
            if len(piece) <= _CACHED_RUN_CHARS:
                pairs.extend(_cut_run(piece))
            else:
                for block in _blocks(piece):
                    pairs.extend(_cut_run.__wrapped__(block))
        else:  # separators, other scripts (jieba would emit these char by char)
            for word in _OTHER_WORD.findall(piece):
                if len(word) <= MAX_WORD_CHARS:
                    pairs.extend((token, word) for token in _normalise_word(word))
    return pairs


def tokenize(text: str | None) -> list[str]:
    """Tokens of ``text`` for lexical matching (empty/whitespace -> [])."""
    return [token for token, _ in tokenize_with_surface(text)]
