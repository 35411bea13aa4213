#!/usr/bin/env python
"""Refresh the translation catalogs (DESIGN.md rule 9).

1. ``makemessages`` for zh_Hans, zh_Hant and en over the zhongshu package.
2. zh_Hant is generated from zh_Hans with OpenCC (s2tw: standard Traditional characters) for
   every entry a person has not marked reviewed (a translator comment containing "reviewed");
   reviewed entries are kept.
3. Prints the zh_Hans entries still untranslated or fuzzy (translate them, then run this again).

Run with the project's venv: ``.venv/bin/python scripts/messages.py``.
"""

import subprocess
import sys
from pathlib import Path

import opencc
import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "zhongshu" / "locale"


# Where OpenCC's character conversion picks the less usual form for an office system.
TRADITIONAL_FIXES = {
    "賬戶": "帳戶",
    "賬號": "帳號",
    "併發放": "並發放",
    "會籤": "會簽",
    "加籤": "加簽",
}


def catalog(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "django.po"


def main() -> int:
    LOCALE.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "zh_Hans",
            "-l",
            "zh_Hant",
            "-l",
            "en",
            "--ignore=.venv/*",
            "--ignore=node_modules/*",
            "--ignore=tests/*",
            "--ignore=var/*",
            "--add-location=file",
            "--no-obsolete",
            "-v",
            "0",
        ],
        cwd=ROOT,
        check=True,
    )
    hans = polib.pofile(str(catalog("zh_Hans")))
    hant = polib.pofile(str(catalog("zh_Hant")))
    # msgmerge guesses a translation for a new string from a similar old one and marks it
    # fuzzy: a guess like that is worse than none, so it is cleared and reported instead.
    for entry in hans:
        if "fuzzy" in entry.flags and entry.msgid:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = entry.previous_msgid_plural = None
            entry.msgstr = ""
            entry.msgstr_plural = dict.fromkeys(entry.msgstr_plural, "")
    hans.save()
    opencc_convert = opencc.OpenCC("s2tw").convert

    def convert(text: str) -> str:
        text = opencc_convert(text)
        for wrong, right in TRADITIONAL_FIXES.items():
            text = text.replace(wrong, right)
        return text

    source = {(e.msgctxt, e.msgid): e for e in hans}
    for entry in hant:
        if "fuzzy" in entry.flags:
            entry.tcomment = ""  # a guessed entry was never reviewed
            entry.previous_msgid = entry.previous_msgid_plural = None
        elif "reviewed" in (entry.tcomment or ""):
            continue
        origin = source.get((entry.msgctxt, entry.msgid))
        if origin is None:
            continue
        if origin.msgid_plural:
            entry.msgstr_plural = {k: convert(v) for k, v in origin.msgstr_plural.items()}
        else:
            entry.msgstr = convert(origin.msgstr)
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    hant.metadata["Language"] = "zh_Hant"
    hant.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    hant.save()
    missing = [e for e in hans if not e.translated()]
    for entry in missing:
        print(f"untranslated: {entry.msgid!r}")
    print(f"{len(hans)} entries, {len(missing)} untranslated in zh_Hans")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
