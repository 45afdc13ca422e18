"""Names in the order of the reader's alphabet, for what a page sorts itself (its few
names, a list of countries). Python's own order is by code point: Kazakh's own letters
(ә, ғ, қ, ң, ө, ұ, ү, һ, і) would all come after я, and Russian ё after я.

`sort_key(text, language)`: Cyrillic letters by the Kazakh or Russian alphabet, Latin
letters as usual (before Cyrillic in English, after it in Russian and Kazakh), case and
accents ignored, other scripts (Japanese, Chinese) after both by code point. Lists read
page by page from the database keep the database's order, which an index serves.
"""
from __future__ import annotations

import functools
import unicodedata

ALPHABETS = {
    "kk": "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя",
    "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
}
ALPHABETS["en"] = ALPHABETS["ru"] + "әғқңөұүһі"  # Cyrillic after Latin, Kazakh letters last


@functools.cache
def _ranks(language: str) -> dict[str, int]:
    alphabet = ALPHABETS.get(language, ALPHABETS["en"])
    # Kazakh letters that Russian lacks come after я for a Russian reader
    extra = "".join(ch for ch in ALPHABETS["kk"] if ch not in alphabet)
    return {ch: i for i, ch in enumerate(alphabet + extra)}


def sort_key(text: str | None, language: str = "en") -> tuple:
    ranks = _ranks(language)
    latin_first = language not in ("ru", "kk")
    key = []
    for ch in unicodedata.normalize("NFC", (text or "").casefold()):
        if ch in ranks:
            key.append((1 if latin_first else 0, ranks[ch]))
            continue
        base = unicodedata.normalize("NFD", ch)[0]
        if "a" <= base <= "z":
            key.append((0 if latin_first else 1, ord(base)))
        elif base.isalnum():
            key.append((2, ord(ch)))
        else:
            key.append((-1, 0))  # spaces and punctuation before letters
    return tuple(key)
