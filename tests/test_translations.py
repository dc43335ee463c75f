"""Chinese is the default language: every user-facing string must have a translation."""

from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1]


def test_chinese_catalogue_is_complete():
    po = polib.pofile(str(ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"))
    missing = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not missing, f"untranslated: {missing[:10]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:10]}"


def test_placeholders_survive_translation():
    import re

    po = polib.pofile(str(ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"))
    pattern = re.compile(r"%\(\w+\)[sd]")
    for entry in po.translated_entries():
        forms = list(entry.msgstr_plural.values()) if entry.msgstr_plural else [entry.msgstr]
        for form in forms:
            assert sorted(set(pattern.findall(entry.msgid))) == sorted(
                set(pattern.findall(form))), entry.msgid
