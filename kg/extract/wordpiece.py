"""BERT's uncased WordPiece tokenization of pre-split words, for the encoder NER head.

A short own implementation rather than the ``tokenizers`` package: the head reads words that
spaCy (or a corpus) has already split, and needs only BERT's normalizer (lowercase, strip
accents, split punctuation) and greedy longest-match-first WordPiece — the same algorithm as
``BertNormalizer`` + ``BertPreTokenizer`` + ``WordPiece`` in a ``tokenizer.json``, which the
tests check on real text. Training and inference use this one function, so the pruned
vocabulary the shipped head carries (MODEL_CARD.md) segments text identically in both.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

__all__ = ["WordPiece", "basic_split"]

UNK, CLS, SEP, PAD = "[UNK]", "[CLS]", "[SEP]", "[PAD]"
MAX_CHARS_PER_WORD = 100


def _is_punctuation(ch: str) -> bool:
    cp = ord(ch)
    # BERT treats every non-alphanumeric ASCII symbol as punctuation ("$", "^", "`"), as well
    # as Unicode's P* categories.
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp: int) -> bool:
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x20000 <= cp <= 0x2A6DF
        or 0x2A700 <= cp <= 0x2B73F
        or 0x2B740 <= cp <= 0x2B81F
        or 0x2B820 <= cp <= 0x2CEAF
        or 0xF900 <= cp <= 0xFAFF
        or 0x2F800 <= cp <= 0x2FA1F
    )


def basic_split(text: str) -> list[str]:
    """BERT's uncased normalizer and pre-tokenizer: lowercased, accent-free pieces."""
    chars: list[str] = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or (unicodedata.category(ch).startswith("C") and ch not in "\t\n\r"):
            continue
        if _is_cjk(cp):
            chars.extend((" ", ch, " "))
        elif ch in "\t\n\r" or unicodedata.category(ch) == "Zs":
            chars.append(" ")
        else:
            chars.append(ch)
    pieces: list[str] = []
    for word in "".join(chars).lower().split():
        word = "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn")
        current = ""
        for ch in word:
            if _is_punctuation(ch):
                if current:
                    pieces.append(current)
                    current = ""
                pieces.append(ch)
            else:
                current += ch
        if current:
            pieces.append(current)
    return pieces


class WordPiece:
    """Greedy longest-match-first WordPiece over ``vocab`` (a list: position = id)."""

    def __init__(self, vocab: Sequence[str]) -> None:
        self.vocab = list(vocab)
        self.ids = {piece: i for i, piece in enumerate(self.vocab)}
        for special in (UNK, CLS, SEP, PAD):
            if special not in self.ids:
                raise ValueError(f"WordPiece vocabulary lacks {special}")
        self.unk_id, self.cls_id, self.sep_id, self.pad_id = (
            self.ids[UNK],
            self.ids[CLS],
            self.ids[SEP],
            self.ids[PAD],
        )
        # a plain dict, not functools.lru_cache: the pipeline must pickle (nlp.pipe(n_process=...))
        self._cache: dict[str, tuple[int, ...]] = {}

    def word_ids(self, word: str) -> tuple[int, ...]:
        """The piece ids of one word."""
        ids = self._cache.get(word)
        if ids is None:
            if len(self._cache) > 100_000:
                self._cache.clear()
            ids = self._cache[word] = tuple(i for piece in basic_split(word) for i in self._piece_ids(piece))
        return ids

    def _piece_ids(self, token: str) -> list[int]:
        if len(token) > MAX_CHARS_PER_WORD:
            return [self.unk_id]
        ids: list[int] = []
        start = 0
        while start < len(token):
            end = len(token)
            found = None
            while start < end:
                sub = token[start:end] if start == 0 else "##" + token[start:end]
                found = self.ids.get(sub)
                if found is not None:
                    break
                end -= 1
            if found is None:
                return [self.unk_id]  # as BERT: one unknown piece makes the whole token [UNK]
            ids.append(found)
            start = end
        return ids

    def encode_words(self, words: Iterable[str]) -> list[tuple[int, ...]]:
        """The piece ids of each word (a word of only spaces/control characters gets none)."""
        return [self.word_ids(w) for w in words]
