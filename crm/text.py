"""What typed text may hold, the same for the pages' forms and the API.

- **One-line fields** (names, references, titles, codes, places) hold one line of text:
  line breaks, tabs and other control characters are refused, and so are the invisible
  characters that override the direction of the text around them (U+202A–U+202E,
  U+2066–U+2069). Those make "Kazakhfilm‮txt.exe" read differently from what is
  stored ("Trojan Source"); a name never needs them, and a letter from any script,
  Arabic or Hebrew included, keeps its own direction without them.
- **Multi-line fields** (notes, summaries, terms) keep line breaks and tabs. Line breaks
  become `\\n` (Windows' and old Mac's `\\r\\n` and `\\r`, and Unicode's line and paragraph
  separators), and every other control or direction-override character is dropped
  (text pasted from a PDF or a word processor brings them along unseen).
- **Download names** keep the letters of every script (a Kazakh event's meeting log is
  "Алматы_кинофестивалі_2018-meetings.pdf", not "2018-meetings.pdf"), and nothing else
  that a file system or a header could read as structure.
"""
from __future__ import annotations

import re

from flask_babel import gettext as _
from werkzeug.utils import secure_filename

_DIRECTION_OVERRIDES = "\u202a-\u202e\u2066-\u2069"
# The same rules as regular expressions that JSON Schema (ECMA-262) and Python read alike,
# for the API's OpenAPI document: what a one-line field may not hold, and the white space
# Python's str.strip() removes (a name of only that is blank).
_NOT_IN_A_LINE = "\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069"
_BLANK = " \\xa0\\u1680\\u2000-\\u200a\\u202f\\u205f\\u3000"
#: What a one-line value's characters exclude, and the blanks around it, as regex classes.
NOT_IN_A_LINE, BLANK = _NOT_IN_A_LINE, _BLANK
ONE_LINE_PATTERN = f"^[^{_NOT_IN_A_LINE}]*$"
NON_BLANK_LINE_PATTERN = f"^[^{_NOT_IN_A_LINE}]*[^{_NOT_IN_A_LINE}{_BLANK}][^{_NOT_IN_A_LINE}]*$"
# Multi-line text with something in it: one character that is neither white space nor
# dropped (JSON Schema's patterns are searched for, not anchored).
NON_BLANK_TEXT_PATTERN = f"[^{_NOT_IN_A_LINE}{_BLANK}]"
# C0 and C1 controls and DEL, and the line and paragraph separators
_LINE_BREAKING = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_OVERRIDE = re.compile(f"[{_DIRECTION_OVERRIDES}]")
# In multi-line text: what is dropped (every control but \t and \n) ...
_DROPPED = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_DIRECTION_OVERRIDES}]")
# ... once line breaks of every kind are \n
_LINE_BREAK = re.compile("\r\n?|[\u2028\u2029\x85]")


def line_problem(value: str | None) -> str | None:
    """Why `value` cannot be one line of text, or None when it can."""
    if not value:
        return None
    if _OVERRIDE.search(value):
        return _("Remove the invisible direction-override characters (U+202A–U+202E, "
                 "U+2066–U+2069): they make text read differently from what is stored.")
    if _LINE_BREAKING.search(value):
        return _("This field is one line: remove line breaks, tabs and other control "
                 "characters.")
    return None


def clean_multiline(value: str) -> str:
    """Multi-line text with `\\n` for every line break, tabs kept, and every other control
    or direction-override character removed."""
    return _DROPPED.sub("", _LINE_BREAK.sub("\n", value))


def download_stem(text: str | None) -> str:
    """`text` as the stem of a download's name: ASCII through werkzeug's
    secure_filename; other scripts keep their letters and digits (sent as RFC 5987
    `filename*`, with an ASCII fallback, by werkzeug's send_file), every other
    character becomes "_". Empty when nothing is left."""
    text = (text or "").strip()
    if text.isascii():
        return secure_filename(text)
    stem = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in text)
    return re.sub(r"_+", "_", stem).strip("._")
