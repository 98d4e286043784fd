"""Compile the vi / zh-hans / en gettext catalogues with Babel (no system gettext needed).

Run as `python -m reach.common.i18n`; `make install` does it.
"""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def catalogues() -> list[Path]:
    return sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po"))


def compile_catalogues() -> int:
    for po_path in catalogues():
        with open(po_path, "rb") as handle:
            catalog = read_po(handle)
        with open(po_path.with_suffix(".mo"), "wb") as handle:
            write_mo(handle, catalog)
    return len(catalogues())


if __name__ == "__main__":
    print(f"compiled {compile_catalogues()} translation catalogues")  # noqa: T201
