"""The database's own guards on the ledger: entries are never updated (both databases) or
deleted (PostgreSQL; SQLite's test flush deletes rows, TRUNCATE on PostgreSQL fires no row
trigger), and on PostgreSQL a transaction's entries sum to zero per commodity (the fund's
currency, or one item in kind), checked at commit by a deferred constraint trigger."""

from django.db import migrations

POSTGRES = [
    """
    CREATE FUNCTION funds_entry_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'ledger entries are never changed or deleted: reverse the transaction';
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER funds_entry_append_only BEFORE UPDATE OR DELETE ON funds_entry
    FOR EACH ROW EXECUTE FUNCTION funds_entry_append_only()
    """,
    """
    CREATE FUNCTION funds_transaction_balances() RETURNS trigger AS $$
    BEGIN
        IF EXISTS (
            SELECT 1 FROM funds_entry e JOIN funds_account a ON a.id = e.account_id
            WHERE e.transaction_id = NEW.transaction_id
            GROUP BY a.item HAVING SUM(e.amount) <> 0
        ) THEN
            RAISE EXCEPTION 'ledger transaction % does not sum to zero', NEW.transaction_id;
        END IF;
        RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE CONSTRAINT TRIGGER funds_transaction_balances AFTER INSERT ON funds_entry
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION funds_transaction_balances()
    """,
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS funds_transaction_balances ON funds_entry",
    "DROP FUNCTION IF EXISTS funds_transaction_balances()",
    "DROP TRIGGER IF EXISTS funds_entry_append_only ON funds_entry",
    "DROP FUNCTION IF EXISTS funds_entry_append_only()",
]
SQLITE = [
    """
    CREATE TRIGGER funds_entry_append_only BEFORE UPDATE ON funds_entry
    BEGIN
        SELECT RAISE(ABORT, 'ledger entries are never changed: reverse the transaction');
    END
    """,
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS funds_entry_append_only"]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("funds", "0001_funds_donations_ledger")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRES_REVERSE, "sqlite": SQLITE_REVERSE}),
        )
    ]
