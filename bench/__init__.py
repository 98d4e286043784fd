"""Benchmarks: `python -m bench.<name>`, each printing what it measured, the input size and its
ratio to a baseline measured in the same run."""

import os


def set_up_django(var_dir: str, *, database_url: str | None = None) -> None:
    """Django on a fresh SQLite file in `var_dir` (DATABASE_URL is ignored), or on the database
    `database_url` when given, migrated, with the production settings so that no query log
    slows the measurement."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "reach.settings"
    os.environ["REACH_VAR_DIR"] = var_dir
    os.environ["REACH_DEBUG"] = "0"
    os.environ["REACH_DEMO"] = "1"  # the built-in secret key: a benchmark holds no real data
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
