"""The Korean catalog is complete and its compiled form is the one checked in."""

from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "ko" / "LC_MESSAGES"


def test_korean_catalog_has_no_untranslated_or_fuzzy_entries():
    catalog = polib.pofile(str(LOCALE / "django.po"))
    missing = [entry.msgid for entry in catalog.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalog.fuzzy_entries()]
    assert missing == []
    assert fuzzy == []


def test_compiled_catalog_matches_the_source():
    source = polib.pofile(str(LOCALE / "django.po"))
    compiled = polib.mofile(str(LOCALE / "django.mo"))
    compiled_map = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in compiled}
    stale = [
        e.msgid for e in source.translated_entries()
        if compiled_map.get((e.msgctxt, e.msgid)) != (e.msgstr, e.msgstr_plural)
    ]
    assert stale == [], "run `make messages` to recompile locale/ko/LC_MESSAGES/django.mo"


@pytest.mark.parametrize("placeholder", ["%(", "{"])
def test_translations_keep_their_placeholders(placeholder):
    catalog = polib.pofile(str(LOCALE / "django.po"))
    broken = [
        e.msgid for e in catalog.translated_entries()
        if e.msgid.count(placeholder) != e.msgstr.count(placeholder) and not e.msgid_plural
    ]
    assert broken == []
