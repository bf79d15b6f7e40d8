"""Regenerate the translation sources (.ts) from the code and compile them (.qm).

Run from anywhere with the project's Python:  python packaging/update_translations.py
lupdate keeps every existing translation. A new string whose English text is in
packaging/glossary_<locale>.json takes the glossary's translation; any other comes in
untranslated and is shown in English until someone translates it (Qt Linguist, or the
glossary and this script again).
"""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "elconsole" / "translations"
LOCALES = ("zh_CN",)


def tool(name: str) -> str:
    """Return the PySide6 tool next to this Python (the venv's bin), else from PATH."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else name


def sources() -> list[str]:
    """Return every Python file of the package, relative to the repository root."""
    files = sorted((ROOT / "elconsole").rglob("*.py"))
    return [str(p.relative_to(ROOT)) for p in files if "__pycache__" not in p.parts]


def lupdate(ts: Path, locale: str) -> None:
    """Merge the code's current strings into ``ts`` (dropping strings no longer used)."""
    command = [tool("pyside6-lupdate"), *sources(), "-no-obsolete", "-locations", "none"]
    command += ["-target-language", locale, "-ts", str(ts.relative_to(ROOT))]
    subprocess.run(command, cwd=ROOT, check=True)


def fill_from_glossary(ts: Path, glossary: dict[str, str]) -> int:
    """Translate the untranslated messages found in the glossary; return how many."""
    tree = ET.parse(ts)
    filled = 0
    for message in tree.iter("message"):
        source, translation = message.find("source"), message.find("translation")
        if source is None or translation is None or translation.get("type") != "unfinished":
            continue
        text = glossary.get(source.text or "")
        if text:
            translation.text = text
            del translation.attrib["type"]
            filled += 1
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    return filled


def main() -> int:
    for locale in LOCALES:
        ts = FOLDER / f"elconsole_{locale}.ts"
        lupdate(ts, locale)
        glossary_file = ROOT / "packaging" / f"glossary_{locale}.json"
        glossary = json.loads(glossary_file.read_text(encoding="utf-8"))
        print(f"{ts.name}: {fill_from_glossary(ts, glossary)} filled from {glossary_file.name}")
        lupdate(ts, locale)  # back to lupdate's own layout
        subprocess.run(
            [tool("pyside6-lrelease"), str(ts), "-qm", str(ts.with_suffix(".qm"))], check=True
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
