"""The gettext catalogues stay complete, keep their placeholders and compile with Babel.

After `reach makemessages ...` adds new msgids, these tests fail until every Vietnamese and
Chinese message is translated (see the list in the failure message). No database is needed.
"""

import re
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.test import override_settings
from django.utils import translation

from reach.common import i18n

TRANSLATED = ("vi", "zh_Hans")  # English is the source language: its msgstrs stay empty
PLURAL_FORMS = {
    "vi": "nplurals=1; plural=0;",
    "zh_Hans": "nplurals=1; plural=0;",
    "en": "nplurals=2; plural=(n != 1);",
}

# %(name)s-style and positional %s/%d placeholders, once "%%" is taken out; {{ name }} variables.
NAMED = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifr]")
POSITIONAL = re.compile(r"%[-#0 +]*\d*(?:\.\d+)?[sdifr]")
TEMPLATE_VARIABLE = re.compile(r"\{\{\s*([\w.]+)\s*\}\}")


def po_paths(languages) -> list[Path]:
    """Every catalogue (the project's and each app's) of `languages`."""
    return [
        folder / language / "LC_MESSAGES" / "django.po"
        for folder in i18n.locale_dirs()
        for language in languages
    ]


def catalogue_id(path: Path) -> str:
    return str(path.relative_to(i18n.PACKAGE_DIR))


def load(path: Path):
    language = path.parent.parent.name
    assert path.exists(), f"{path} is missing: run `reach makemessages -l {language} ...`"
    with open(path, "rb") as handle:
        return read_po(handle, abort_invalid=True)


def messages(catalog):
    return [message for message in catalog if message.id]  # the header has an empty msgid


def as_tuple(value) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, list | tuple) else (value,)


def placeholders(text: str) -> tuple[list[str], int, list[str]]:
    bare = text.replace("%%", "")
    return (
        sorted(NAMED.findall(bare)),
        len(POSITIONAL.findall(NAMED.sub("", bare))),
        sorted(TEMPLATE_VARIABLE.findall(text)),
    )


def describe(message) -> str:
    return " | ".join(as_tuple(message.id))


def test_every_language_has_a_catalogue():
    found = {path.parent.parent.name for path in i18n.catalogues()}
    assert set(PLURAL_FORMS) <= found, f"missing catalogues: {set(PLURAL_FORMS) - found}"


@pytest.mark.parametrize("path", po_paths(sorted(PLURAL_FORMS)), ids=catalogue_id)
def test_header_declares_the_plural_forms(path):
    catalog = load(path)
    assert not catalog.fuzzy, f"{path}: the header is marked fuzzy"
    header = dict(catalog.mime_headers)
    assert header.get("Plural-Forms") == PLURAL_FORMS[path.parent.parent.name]


@pytest.mark.parametrize("path", po_paths(TRANSLATED), ids=catalogue_id)
def test_every_message_is_translated_and_not_fuzzy(path):
    catalog = load(path)
    untranslated = [
        describe(message)
        for message in messages(catalog)
        if not all(form.strip() for form in as_tuple(message.string))
    ]
    fuzzy = [describe(message) for message in messages(catalog) if message.fuzzy]
    report = []
    if untranslated:
        report.append(f"{len(untranslated)} untranslated message(s):\n" + "\n".join(untranslated))
    if fuzzy:
        report.append(f"{len(fuzzy)} fuzzy message(s):\n" + "\n".join(fuzzy))
    assert not report, f"{path}\n" + "\n".join(report)


@pytest.mark.parametrize("path", po_paths(sorted(PLURAL_FORMS)), ids=catalogue_id)
def test_translations_keep_the_placeholders(path):
    catalog = load(path)
    problems = [
        f"{describe(message)}: {'; '.join(str(error) for error in errors)}"
        for message, errors in catalog.check()
    ]
    for message in messages(catalog):
        ids = as_tuple(message.id)
        # With one plural form (vi, zh) the only msgstr also serves n > 1: compare it with the
        # plural msgid; with two forms compare msgstr[0] with msgid and msgstr[1] with msgid_plural.
        forms = as_tuple(message.string)
        for index, form in enumerate(forms):
            source = ids[-1] if len(forms) == 1 else ids[min(index, len(ids) - 1)]
            if form and placeholders(form) != placeholders(source):
                problems.append(f"{describe(message)}: placeholders differ in “{form}”")
    assert not problems, f"placeholder problems in {path}:\n" + "\n".join(problems)


@pytest.fixture(scope="module")
def compiled_locale(tmp_path_factory):
    """Compile a copy of the catalogues with Babel and make Django read that copy.

    The .mo files are not in version control, so compile them here rather than relying on a
    previous `make install`. override_settings(LOCALE_PATHS=...) fires `setting_changed`, whose
    receiver in django/test/signals.py (`language_changed`) empties Django's translation caches
    (`_translations`, `_default`, `_active`, `translation_catalog_exists`) on entry and on exit.
    """
    root = tmp_path_factory.mktemp("locale")
    copies = []
    for index, folder in enumerate(i18n.locale_dirs()):
        copies.append(root / str(index) / "locale")
        shutil.copytree(folder, copies[-1], ignore=shutil.ignore_patterns("*.mo"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(i18n, "locale_dirs", lambda: copies)
        assert i18n.compile_catalogues() == len(po_paths(sorted(PLURAL_FORMS)))
    for copy in copies:
        compiled = {path.parent.parent.name for path in copy.glob("*/LC_MESSAGES/django.mo")}
        assert compiled >= set(PLURAL_FORMS), (copy, compiled)
    with override_settings(LOCALE_PATHS=copies):
        yield copies


@pytest.mark.parametrize(
    ("language", "expected"), [("vi", "Tổng quan"), ("zh-hans", "概览"), ("en", "Overview")]
)
def test_compiled_catalogues_translate_the_overview(compiled_locale, language, expected):
    with translation.override(language):
        assert translation.gettext("Overview") == expected


@pytest.mark.parametrize("language", ["vi", "zh-hans"])
def test_compiled_catalogues_use_one_plural_form(compiled_locale, language):
    singular, plural = "%(counter)s household", "%(counter)s households"
    with translation.override(language):
        forms = {translation.ngettext(singular, plural, count) for count in (0, 1, 2, 5, 21)}
    assert len(forms) == 1, forms
    (form,) = forms
    assert form not in (singular, plural) and "%(counter)s" in form


def test_compiled_english_catalogue_keeps_the_source_plurals(compiled_locale):
    singular, plural = "%(counter)s household", "%(counter)s households"
    with translation.override("en"):
        assert translation.ngettext(singular, plural, 1) == singular
        assert translation.ngettext(singular, plural, 2) == plural
