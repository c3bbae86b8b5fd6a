"""Complete 简体中文 (issue 14): every string the code and the templates mark for translation has a zh_Hans
translation, no template prints English that is not marked, no label is translated once at import (and so stays in
the language of the process), and every model, field and choice label is translatable and translated.

How the marked strings are found: Django's own ``makemessages`` (xgettext, as ``make messages`` runs it) extracts
them from a copy of the source tree (.py, .html, .txt; without .venv, var and locale) into a scratch catalogue;
each of its msgids must be in locale/zh_Hans/LC_MESSAGES/django.po with a non-empty, non-fuzzy msgstr."""

import ast
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.template.base import Lexer, TokenType
from django.utils import translation
from django.utils.functional import Promise

BASE = Path(settings.BASE_DIR)
PO = BASE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
PROJECT_APPS = ("crm", "customers", "credit", "archives", "analytics", "imports", "demo")
NOT_SOURCE = {".venv", "var", "locale", ".git", "mutants", "node_modules", "tests"}
SOURCE_SUFFIXES = (".py", ".html", ".txt")


def _source_copy(target: Path) -> Path:
    def ignored(directory: str, names: list[str]) -> list[str]:
        return [
            n for n in names if n in NOT_SOURCE or ((Path(directory) / n).is_file() and not n.endswith(SOURCE_SUFFIXES))
        ]

    return Path(shutil.copytree(BASE, target / "src", ignore=ignored))


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> polib.POFile:
    """The msgids ``makemessages`` finds today, written to a scratch catalogue (the project's stays untouched)."""
    scratch = tmp_path_factory.mktemp("messages")
    source = _source_copy(scratch)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(source)  # makemessages walks the current directory …
        patch.setattr(settings, "LOCALE_PATHS", [str(scratch / "locale")])  # … and writes to the first of these
        call_command("makemessages", locale=["zh_Hans"], no_obsolete=True, verbosity=0)
    return polib.pofile(str(scratch / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))


def test_every_marked_string_has_a_chinese_translation(extracted):
    translated = {
        (e.msgctxt, e.msgid)
        for e in polib.pofile(str(PO))
        if not e.obsolete and "fuzzy" not in e.flags and (e.msgstr or e.msgstr_plural.get(0))
    }
    missing = [f"{e.msgid!r} ({e.occurrences[0][0]})" for e in extracted if (e.msgctxt, e.msgid) not in translated]
    assert len(extracted) > 1000  # the extraction ran over the whole tree
    assert missing == []


class _VisibleText(HTMLParser):
    """The text a user reads or hears: text nodes and the labelling attributes, outside scripts and styles."""

    ATTRIBUTES = frozenset({"aria-label", "aria-description", "title", "placeholder", "alt"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        self._hidden += tag in ("script", "style")
        self.found += [value for name, value in attrs if name in self.ATTRIBUTES and value]

    def handle_endtag(self, tag):
        self._hidden -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._hidden:
            self.found.append(data)


WORD = re.compile(r"[A-Za-z]{2,}")
ALLOWED = re.compile(r"^(English|[A-Z][A-Z0-9-]*)$")  # the language's own name; acronyms (CSV, PDF, SHA-256)
TRANSLATING_TAGS = ("trans", "translate", "blocktrans", "blocktranslate")
LITERAL = re.compile(r'(?<!_\()"([^"]*)"')


def _untranslated_words(path: Path) -> list[str]:
    """English in a template outside {% trans %}/{% blocktrans %}: its text and labelling attributes, and string
    literals in filters and tags ({{ x|default:"none" }}), comparisons of codes in {% if %} excepted."""
    text, found, inside = [], [], 0
    for token in Lexer(path.read_text()).tokenize():
        name = token.contents.split()[0] if token.token_type == TokenType.BLOCK else ""
        inside += name in ("blocktrans", "blocktranslate", "comment")
        inside -= name in ("endblocktrans", "endblocktranslate", "endcomment")
        if token.token_type == TokenType.TEXT and not inside:
            text.append(token.contents)
            continue
        checks_literals = token.token_type == TokenType.VAR or name in ("with", "firstof")
        found += [lit for lit in LITERAL.findall(token.contents) if checks_literals and WORD.search(lit)]
        text.append("\x00" if token.token_type == TokenType.VAR else " ")
    visible = _VisibleText()
    visible.feed("".join(text))
    words = [w for chunk in visible.found for w in re.findall(r"[A-Za-z][A-Za-z0-9-]+", chunk.replace("\x00", " "))]
    return found + [w for w in words if not ALLOWED.match(w)]


@pytest.mark.parametrize(
    "template", sorted(p.relative_to(BASE).as_posix() for p in (BASE / "templates").rglob("*.html")), ids=str
)
def test_templates_print_no_untranslated_english(template):
    assert _untranslated_words(BASE / template) == []


def _eager_translations(path: Path) -> list[str]:
    """Calls of gettext (not gettext_lazy) outside any function: run once at import, in whatever language the
    process had then, so the label never follows the reader's language."""
    tree = ast.parse(path.read_text())
    eager = {
        alias.asname or alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
        for alias in node.names
        if alias.name in ("gettext", "ngettext", "pgettext", "npgettext")
    }
    found, pending = [], list(ast.iter_child_nodes(tree))
    while pending:
        node = pending.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in eager:
            found.append(f"{path.relative_to(BASE)}:{node.lineno} {ast.unparse(node)}")
        pending.extend(ast.iter_child_nodes(node))
    return found


def test_no_label_is_translated_once_at_import():
    sources = [p for app in PROJECT_APPS for p in (BASE / app).rglob("*.py") if "migrations" not in p.parts]
    assert [call for path in sources for call in _eager_translations(path)] == []


def _labels_of(model) -> list[tuple[str, object]]:
    where = model._meta.label
    labels = [
        (f"{where} verbose_name", model._meta.original_attrs.get("verbose_name")),
        (f"{where} verbose_name_plural", model._meta.original_attrs.get("verbose_name_plural")),
    ]
    for field in model._meta.get_fields():
        if field.auto_created or not field.concrete:
            continue  # the id, reverse relations: Django's own words
        labels.append((f"{where}.{field.name}", field._verbose_name))
        labels += [(f"{where}.{field.name}={code}", label) for code, label in field.flatchoices]
    return labels


def _untranslated(label: object) -> bool:
    if not isinstance(label, Promise):
        return True  # a plain string (or none, so Django makes one of the field's name) never changes language
    with translation.override("en"):
        english = str(label)
    with translation.override("zh-hans"):
        chinese = str(label)
    return chinese == english and not ALLOWED.match(english)


@pytest.mark.parametrize("app", PROJECT_APPS)
def test_every_model_field_and_choice_label_is_in_chinese(app):
    labels = [item for model in apps.get_app_config(app).get_models() for item in _labels_of(model)]
    assert [where for where, label in labels if _untranslated(label)] == []
