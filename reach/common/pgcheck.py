"""Exit 0 when a PostgreSQL server answers at the URL given, 1 otherwise (used by `make test`)."""

import sys

import dj_database_url
import psycopg


def answers(url: str) -> bool:
    config = dj_database_url.parse(url)
    try:
        psycopg.connect(
            host=config["HOST"] or "127.0.0.1",
            port=config["PORT"] or 5432,
            user=config["USER"] or "postgres",
            password=config["PASSWORD"] or None,
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg.Error:
        return False
    return True


if __name__ == "__main__":
    sys.exit(0 if answers(sys.argv[1]) else 1)
