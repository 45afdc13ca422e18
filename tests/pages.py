"""Reading what a user sees on a rendered page: field values, messages at fields."""
from __future__ import annotations

import html as _html
import re


def text(response) -> str:
    return response.get_data(as_text=True)


def field_error(page: str, field_id: str) -> str | None:
    """The message shown right under a form field (the `field` macro's invalid-feedback)."""
    pattern = rf'<div class="invalid-feedback" id="{re.escape(field_id)}-error">(.*?)</div>'
    match = re.search(pattern, page, re.S)
    return _html.unescape(match.group(1)).strip() if match else None


def input_value(page: str, name: str) -> str | None:
    """The value an <input name=…> is pre-filled with."""
    tag = re.search(rf'<input\b[^>]*\bname="{re.escape(name)}"[^>]*>', page)
    if not tag:
        return None
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return _html.unescape(value.group(1)) if value else ""


def textarea_value(page: str, name: str) -> str | None:
    match = re.search(rf'<textarea\b[^>]*\bname="{re.escape(name)}"[^>]*>(.*?)</textarea>',
                      page, re.S)
    return _html.unescape(match.group(1)).strip("\r\n") if match else None


def selected_option(page: str, name: str) -> str | None:
    select = re.search(rf'<select\b[^>]*\bname="{re.escape(name)}"[^>]*>(.*?)</select>', page, re.S)
    if not select:
        return None
    option = re.search(r'<option\b(?=[^>]*\bselected\b)[^>]*\bvalue="([^"]*)"', select.group(1))
    return _html.unescape(option.group(1)) if option else None
