"""month counts: signals per (month, person, type, indicator, impact), kept by triggers, for the web overview;
an index on activities.occurred_at (the coverage's first day)

Revision ID: 0006_month_counts
Revises: 0005_listing_etags
Create Date: 2026-11-30 12:00:00

The triggers count a signal while no feedback row dismisses its (activity, rule), so every writer of
signals or feedback (classify, forget, retention, opt-outs, pseudonyms, cascaded activity deletes,
dismissals) keeps the counts exact without knowing about them.
"""
import sqlalchemy as sa
from alembic import op

revision = "0006_month_counts"
down_revision = "0005_listing_etags"
branch_labels = None
depends_on = None

KEY = "month, person_id, signal_type, indicator, impact"
DISMISSED = "EXISTS (SELECT 1 FROM signal_feedback f WHERE f.activity_id = {r}.activity_id AND f.rule_id = {r}.rule_id)"

COUNTED = "activity_id, rule_id, person_id, signal_type, indicator, impact, occurred_at"  # an update elsewhere: no change
SQLITE_MONTH = "substr({r}.occurred_at, 1, 7)"
PG_MONTH = "to_char({r}.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM')"


def _values(month: str, r: str) -> str:
    return f"{month.format(r=r)}, {r}.person_id, {r}.signal_type, {r}.indicator, {r}.impact"


def _match(month: str, r: str) -> str:
    return (f"month = {month.format(r=r)} AND person_id = {r}.person_id AND signal_type = {r}.signal_type "
            f"AND indicator = {r}.indicator AND impact = {r}.impact")


def _sqlite() -> list[str]:
    add = (f"INSERT INTO signal_month_counts ({KEY}, n) VALUES ({_values(SQLITE_MONTH, 'NEW')}, 1) "
           f"ON CONFLICT ({KEY}) DO UPDATE SET n = n + 1;")
    sub = f"UPDATE signal_month_counts SET n = n - 1 WHERE {_match(SQLITE_MONTH, 'OLD')};"
    undismiss = (f"INSERT INTO signal_month_counts ({KEY}, n) SELECT {_values(SQLITE_MONTH, 's')}, 1 FROM signals s "
                 f"WHERE s.activity_id = OLD.activity_id AND s.rule_id = OLD.rule_id "
                 f"ON CONFLICT ({KEY}) DO UPDATE SET n = n + 1;")
    dismiss = (f"UPDATE signal_month_counts SET n = n - 1 WHERE ({KEY}) IN (SELECT {_values(SQLITE_MONTH, 's')} "
               "FROM signals s WHERE s.activity_id = NEW.activity_id AND s.rule_id = NEW.rule_id);")
    return [
        f"CREATE TRIGGER signal_counts_insert AFTER INSERT ON signals WHEN NOT {DISMISSED.format(r='NEW')} "
        f"BEGIN {add} END",
        f"CREATE TRIGGER signal_counts_delete AFTER DELETE ON signals WHEN NOT {DISMISSED.format(r='OLD')} "
        f"BEGIN {sub} END",
        f"CREATE TRIGGER signal_counts_update_old AFTER UPDATE OF {COUNTED} ON signals WHEN NOT {DISMISSED.format(r='OLD')} "
        f"BEGIN {sub} END",
        f"CREATE TRIGGER signal_counts_update_new AFTER UPDATE OF {COUNTED} ON signals WHEN NOT {DISMISSED.format(r='NEW')} "
        f"BEGIN {add} END",
        f"CREATE TRIGGER feedback_counts_insert AFTER INSERT ON signal_feedback BEGIN {dismiss} END",
        f"CREATE TRIGGER feedback_counts_delete AFTER DELETE ON signal_feedback BEGIN {undismiss} END",
    ]


def _postgresql() -> list[str]:
    add = (f"INSERT INTO signal_month_counts ({KEY}, n) VALUES ({_values(PG_MONTH, 'NEW')}, 1) "
           f"ON CONFLICT ({KEY}) DO UPDATE SET n = signal_month_counts.n + 1;")
    sub = f"UPDATE signal_month_counts SET n = n - 1 WHERE {_match(PG_MONTH, 'OLD')};"
    return [
        f"""CREATE FUNCTION leadsig_signal_counts() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP IN ('DELETE', 'UPDATE') THEN
            IF NOT {DISMISSED.format(r='OLD')} THEN {sub} END IF;
          END IF;
          IF TG_OP IN ('INSERT', 'UPDATE') THEN
            IF NOT {DISMISSED.format(r='NEW')} THEN {add} END IF;
          END IF;
          RETURN NULL;
        END $$""",
        f"CREATE TRIGGER signal_counts AFTER INSERT OR UPDATE OF {COUNTED} OR DELETE ON signals "
        "FOR EACH ROW EXECUTE FUNCTION leadsig_signal_counts()",
        f"""CREATE FUNCTION leadsig_feedback_counts() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'INSERT' THEN
            UPDATE signal_month_counts c SET n = c.n - 1 FROM signals s
             WHERE s.activity_id = NEW.activity_id AND s.rule_id = NEW.rule_id
               AND c.month = {PG_MONTH.format(r='s')} AND c.person_id = s.person_id
               AND c.signal_type = s.signal_type AND c.indicator = s.indicator AND c.impact = s.impact;
          ELSE
            INSERT INTO signal_month_counts ({KEY}, n) SELECT {_values(PG_MONTH, 's')}, 1 FROM signals s
             WHERE s.activity_id = OLD.activity_id AND s.rule_id = OLD.rule_id
            ON CONFLICT ({KEY}) DO UPDATE SET n = signal_month_counts.n + 1;
          END IF;
          RETURN NULL;
        END $$""",
        "CREATE TRIGGER feedback_counts AFTER INSERT OR DELETE ON signal_feedback "
        "FOR EACH ROW EXECUTE FUNCTION leadsig_feedback_counts()",
    ]


def upgrade() -> None:
    op.create_table(
        "signal_month_counts",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("person_id", sa.String(length=200), nullable=False),
        sa.Column("signal_type", sa.String(length=30), nullable=False),
        sa.Column("indicator", sa.String(length=100), nullable=False),
        sa.Column("impact", sa.String(length=10), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("month", "person_id", "signal_type", "indicator", "impact"),
    )
    # what was mined from (reports' and the overview's coverage) without scanning the activities
    op.create_index("ix_activities_occurred", "activities", ["occurred_at"], unique=False)
    pg = op.get_bind().dialect.name == "postgresql"
    month = (PG_MONTH if pg else SQLITE_MONTH).format(r="s")
    op.execute(f"INSERT INTO signal_month_counts ({KEY}, n) SELECT {month}, s.person_id, s.signal_type, "
               f"s.indicator, s.impact, count(*) FROM signals s WHERE NOT {DISMISSED.format(r='s')} "
               f"GROUP BY {month}, s.person_id, s.signal_type, s.indicator, s.impact")
    for statement in _postgresql() if pg else _sqlite():
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS feedback_counts ON signal_feedback")
        op.execute("DROP TRIGGER IF EXISTS signal_counts ON signals")
        op.execute("DROP FUNCTION IF EXISTS leadsig_feedback_counts()")
        op.execute("DROP FUNCTION IF EXISTS leadsig_signal_counts()")
    else:
        for name in ("signal_counts_insert", "signal_counts_delete", "signal_counts_update_old",
                     "signal_counts_update_new", "feedback_counts_insert", "feedback_counts_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("signal_month_counts")
    op.drop_index("ix_activities_occurred", table_name="activities")
