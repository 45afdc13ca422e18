"""Names in the order of the reader's alphabet, for what a page sorts itself (its few
names, a list of countries). Python's own order is by code point: Kazakh's own letters
(ә, ғ, қ, ң, ө, ұ, ү, һ, і) would all come after я, and Russian ё after я.

`sort_key(text, language)`: Cyrillic letters by the Kazakh or Russian alphabet, Latin
letters as usual (before Cyrillic in English, after it in Russian and Kazakh; accented
Latin letters with their base letter), case ignored; digits, spaces and punctuation
before letters, other scripts (Japanese, Chinese) after both. The key is the text with
each letter replaced by its rank (one `str.translate`, as a page sorts hundreds of
names). Lists read page by page from the database keep the database's order, which an
index serves.
"""
from __future__ import annotations

import functools
import string
import unicodedata

ALPHABETS = {
    "kk": "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя",
    "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
}
# Ranks are written as characters of a block no name uses (Glagolitic and its
# neighbours, U+2C00 on): above digits and punctuation, below Japanese and Chinese.
_FIRST_RANK = 0x2C00


@functools.cache
def _table(language: str) -> dict[int, str]:
    cyrillic = ALPHABETS.get(language, ALPHABETS["ru"])
    cyrillic += "".join(ch for ch in ALPHABETS["kk"] if ch not in cyrillic)  # then Kazakh's own
    latin = string.ascii_lowercase
    letters = latin + cyrillic if language not in ("ru", "kk") else cyrillic + latin
    table = {ord(ch): chr(_FIRST_RANK + rank) for rank, ch in enumerate(letters)}
    for code in range(0xC0, 0x250):  # á, ç, ł, ø …: with their base letter
        base = unicodedata.normalize("NFD", chr(code))[0].lower()
        if base in latin and code not in table:
            table[code] = table[ord(base)]
    return table


def sort_key(text: str | None, language: str = "en") -> str:
    return unicodedata.normalize("NFC", (text or "").casefold()).translate(_table(language))
