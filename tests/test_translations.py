"""No untranslated string on any page in zh-Hans (DESIGN.md rule 9).

The catalog is checked against a fresh extraction of the source, so a string added to a template
or to Python code without a translation fails here, not in front of a user.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "zhongshu" / "locale"


def entries(lang):
    return polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """msgids that makemessages finds in the current source, extracted in a scratch copy."""
    scratch = tmp_path_factory.mktemp("messages")
    shutil.copytree(
        ROOT / "zhongshu",
        scratch / "zhongshu",
        ignore=shutil.ignore_patterns("*.mo", "__pycache__", "static"),
    )
    shutil.copy(ROOT / "manage.py", scratch / "manage.py")
    env = {**os.environ, "ZHONGSHU_MODE": "demo", "ZHONGSHU_VAR_DIR": str(scratch / "var")}
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-location", "-v", "0"],
        cwd=scratch,
        env=env,
        check=True,
        timeout=240,
    )
    po = polib.pofile(
        str(scratch / "zhongshu" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    )
    return {(e.msgctxt, e.msgid) for e in po if not e.obsolete}


def test_every_extracted_string_has_a_simplified_chinese_translation(extracted):
    catalog = {(e.msgctxt, e.msgid): e for e in entries("zh_Hans") if not e.obsolete}
    missing = sorted(m for _, m in extracted - set(catalog))
    assert missing == [], "run scripts/messages.py and translate these"
    untranslated = sorted(
        e.msgid
        for key, e in catalog.items()
        if key in extracted and (not e.translated() or e.fuzzy)
    )
    assert untranslated == []


@pytest.mark.parametrize("lang", ["zh_Hans", "zh_Hant"])
def test_catalogs_keep_every_placeholder(lang):
    import re

    pattern = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w+\}")
    wrong = []
    for entry in entries(lang):
        if entry.obsolete or not entry.msgstr:
            continue
        if sorted(pattern.findall(entry.msgid)) != sorted(pattern.findall(entry.msgstr)):
            wrong.append(entry.msgid)
    assert wrong == []


def test_traditional_catalog_is_complete_and_traditional():
    hant = [e for e in entries("zh_Hant") if not e.obsolete]
    assert all(e.translated() for e in hant)
    texts = {e.msgid: e.msgstr for e in hant}
    assert texts["Workbench"] == "工作臺"
    assert texts["Organisation"] == "組織機構"
