"""The ru and kk catalogues are complete and agree with the code: every message the code
marks is translated, none fuzzy, none left over, with the same placeholders, the right
plural forms and the glossary's terms."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "crm" / "translations"
LANGUAGES = ("ru", "kk")
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]|\{\w+\}")


def _read(language: str):
    with open(CATALOGUES / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=language)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """What the code marks today, extracted as `make translations` does."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run([str(Path(sys.executable).parent / "pybabel"), "-q", "extract",
                    "-F", "babel.cfg", "-k", "lazy_gettext", "-k", "_l", "-o", str(pot), "."],
                   cwd=ROOT, check=True)
    with open(pot, "rb") as file:
        return {message.id if not isinstance(message.id, tuple) else message.id[0]:
                message for message in read_po(file) if message.id}


def _ids(catalog) -> set:
    return {m.id if not isinstance(m.id, tuple) else m.id[0] for m in catalog if m.id}


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_every_marked_message_and_nothing_else(language, extracted):
    catalog = _read(language)
    missing = set(extracted) - _ids(catalog)
    assert not missing, f"{language}: not in the catalogue (run `make translations`): " \
                        f"{sorted(missing)[:10]}"
    left_over = _ids(catalog) - set(extracted)
    assert not left_over, f"{language}: no longer in the code: {sorted(left_over)[:10]}"
    assert not catalog.obsolete, f"{language}: obsolete entries: {list(catalog.obsolete)[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    catalog = _read(language)
    untranslated = [m.id for m in catalog if m.id and (
        not m.string or (isinstance(m.string, tuple) and not all(m.string)))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not untranslated, f"{language}: {len(untranslated)} untranslated: {untranslated[:5]}"
    assert not fuzzy, f"{language}: fuzzy: {fuzzy[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders_of_the_english(language):
    wrong = []
    for message in _read(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(_PLACEHOLDER.findall(ids[-1])) | set(_PLACEHOLDER.findall(ids[0]))
        for text in strings:
            if set(_PLACEHOLDER.findall(text)) != expected:
                wrong.append((ids[0], text))
    assert not wrong, f"{language}: placeholders differ: {wrong[:5]}"


@pytest.mark.parametrize("language, forms", [("ru", 3), ("kk", 2)])
def test_plural_forms_follow_cldr(language, forms):
    catalog = _read(language)
    cldr = get_plural(language)  # Babel's plural rule for the language, from CLDR
    assert (catalog.num_plurals, catalog.plural_expr) == (cldr.num_plurals, cldr.plural_expr)
    assert catalog.num_plurals == forms
    plurals = [m for m in catalog if m.id and isinstance(m.id, tuple)]
    assert plurals, "no plural entries were found"
    for message in plurals:
        assert len(message.string) == forms and all(message.string), message.id


def test_russian_plurals_have_three_different_forms_for_counted_nouns():
    by_id = {m.id[0]: m.string for m in _read("ru") if m.id and isinstance(m.id, tuple)}
    one, few, many = by_id["%(num)d meeting"]
    assert (one, few, many) == ("%(num)d встреча", "%(num)d встречи", "%(num)d встреч")


def test_kazakh_is_written_with_its_own_letters():
    text = " ".join(m.string if isinstance(m.string, str) else " ".join(m.string)
                    for m in _read("kk") if m.id)
    for letter in "әғқңөұүі":
        assert letter in text, f"no «{letter}» in the Kazakh catalogue"
    # Latin look-alikes inside Cyrillic words (a typed "i" for "і", "o" for "о")
    mixed = re.findall(r"\b\w*[а-яёәғқңөұүһі][a-z]\w*|\b\w*[a-z][а-яёәғқңөұүһі]\w*", text)
    assert not mixed, mixed[:5]


GLOSSARY = {  # English msgid -> (Russian, Kazakh), as crm/translations/GLOSSARY.md says
    "Projects": ("Проекты", "Жобалар"),
    "Meetings": ("Встречи", "Кездесулер"),
    "Memoranda": ("Меморандумы", "Меморандумдар"),
    "Pipeline": ("Воронка", "Жобалар воронкасы"),
    "Stage": ("Этап", "Кезең"),
    "Organizations": ("Организации", "Ұйымдар"),
    "Events": ("События", "Іс-шаралар"),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_glossary_terms_are_used(language):
    catalog = _read(language)
    index = 0 if language == "ru" else 1
    for english, terms in GLOSSARY.items():
        translated = catalog.get(english).string
        assert translated.startswith(terms[index]), (english, translated)
    assert (CATALOGUES / "GLOSSARY.md").exists()


def test_the_compiled_catalogues_are_current():
    """`make install` compiles them; a stale .mo would show old or English text."""
    for language in LANGUAGES:
        po = CATALOGUES / language / "LC_MESSAGES" / "messages.po"
        mo = po.with_suffix(".mo")
        assert mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime, \
            f"{mo} is missing or older than its .po: run `make install` (or `make translations`)"
