"""Compile the vi / zh-hans / en gettext catalogues with Babel (no system gettext needed).

The project catalogue lives in `reach/locale/`; an app may keep its own in `reach/<app>/locale/`
(`reach makemessages` run from the project root writes an app's messages there once the folder
exists), so apps can grow their messages side by side. Run as `python -m reach.common.i18n`;
`make install` does it.
"""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

PACKAGE_DIR = Path(__file__).resolve().parent.parent
LOCALE_DIR = PACKAGE_DIR / "locale"


def locale_dirs() -> list[Path]:
    """The project's locale folder, then each app's that has one."""
    return [LOCALE_DIR, *sorted(PACKAGE_DIR.glob("*/locale"))]


def catalogues() -> list[Path]:
    return [path for folder in locale_dirs() for path in sorted(folder.glob("*/LC_MESSAGES/*.po"))]


def compile_catalogues() -> int:
    for po_path in catalogues():
        with open(po_path, "rb") as handle:
            catalog = read_po(handle)
        with open(po_path.with_suffix(".mo"), "wb") as handle:
            write_mo(handle, catalog)
    return len(catalogues())


if __name__ == "__main__":
    print(f"compiled {compile_catalogues()} translation catalogues")  # noqa: T201
