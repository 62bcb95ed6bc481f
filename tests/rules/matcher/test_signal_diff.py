"""write_signals tells a changed signal from an unchanged one as the JSON fingerprint did, without dumping both.

classify._changed skips the ``json.dumps`` of ``why`` where both are plainly the same JSON (classify.same_json);
the fingerprint comparison is the reference, on stored-looking rows (``why`` back from JSON) and on values
Python calls equal and JSON writes apart.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from itertools import product
from typing import Any

import pandas as pd

from leadsig.rules.matcher.classify import COMPARED, PLAIN, _changed, _stored_changed, _ts

WHEN = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def _fingerprint(row: dict[str, Any]) -> tuple[Any, ...]:
    """The reference: how write_signals told a changed signal before, by the JSON text of every compared field."""
    return tuple(json.dumps(row[c], sort_keys=True, default=str) if c == "why" else row[c] for c in COMPARED) + \
        (_ts(row["occurred_at"]),)


def row(why: dict[str, Any], **over: Any) -> dict[str, Any]:
    base = {"rule_version": 1, "rule_hash": "abc", "person_id": "p1", "signal_type": "communication",
            "indicator": "summarizes_for_timezones", "impact": "high", "evidence_url": "https://x/1",
            "summary": "mara wrote a recap", "occurred_at": WHEN, "why": why}
    return {**base, **over}


WHYS = [
    {"conditions": {"recap": "Recap of the call", "long": 400}, "impact_step": 0, "evidence": "recap"},
    {"conditions": {"long": 400, "recap": "Recap of the call"}, "impact_step": 0, "evidence": "recap"},  # key order
    {"conditions": {"recap": "Recap of the call", "long": 400.0}, "impact_step": 0, "evidence": "recap"},
    {"conditions": {"recap": "Recap of the call", "long": True}, "impact_step": 0, "evidence": "recap"},
    {"conditions": {"recap": "Recap of the call", "long": 1}, "impact_step": 0, "evidence": "recap"},
    {"conditions": {"recap": "Recap of the call", "long": 1.0}, "impact_step": 0, "evidence": "recap"},
    {"conditions": {"labels": ["a", "b"]}, "impact_step": 1, "evidence": "x"},
    {"conditions": {"labels": ("a", "b")}, "impact_step": 1, "evidence": "x"},
    {"conditions": {"labels": ["a", "b"]}, "impact_step": 1, "evidence": "x", "also": ["r (low) on u"]},
    {"conditions": {"size": 0.0}, "impact_step": 0, "evidence": "x"},
    {"conditions": {"size": -0.0}, "impact_step": 0, "evidence": "x"},
    {"conditions": {"size": float("nan")}, "impact_step": 0, "evidence": "x"},
    {"conditions": {"size": Decimal("1.0")}, "impact_step": 0, "evidence": "x"},
    {"conditions": {"size": Decimal("1.00")}, "impact_step": 0, "evidence": "x"},
    {"conditions": {"at": WHEN}, "impact_step": 0, "evidence": "x"},
    {"conditions": {"at": WHEN.isoformat()}, "impact_step": 0, "evidence": "x"},
    {"conditions": {"at": str(WHEN)}, "impact_step": 0, "evidence": "x"},
    {"conditions": {"none": None}, "impact_step": 0, "evidence": "x"},
    {"conditions": {}, "impact_step": 0, "evidence": "x"},
]


def test_every_pair_of_whys_as_the_fingerprint_tells_them():
    for a, b in product(WHYS, repeat=2):
        for old in (a, json.loads(json.dumps(a, default=str))):  # as it was built, and as stored
            assert _changed(row(old), row(b)) == (_fingerprint(row(old)) != _fingerprint(row(b))), (old, b)


def test_the_other_columns_still_tell_a_change():
    why = WHYS[0]
    for key, value in (("summary", "mara wrote a recap!"), ("impact", "low"), ("rule_hash", "abd"),
                       ("evidence_url", None), ("occurred_at", datetime(2026, 3, 1, 10, 30, tzinfo=UTC)),
                       ("person_id", "p2"), ("rule_version", 2)):
        assert _changed(row(why), row(why, **{key: value})), key
    assert not _changed(row(why), row(json.loads(json.dumps(why))))
    assert _changed(row(WHYS[4]), row(WHYS[3]))  # 1 and True are equal in Python, not in the stored JSON


def test_timestamps_as_the_fingerprint_tells_them():
    berlin = timezone(timedelta(hours=1))
    times = [WHEN, WHEN.replace(tzinfo=None), WHEN.astimezone(berlin), pd.Timestamp(WHEN),
             WHEN.replace(microsecond=5), WHEN + timedelta(hours=1), None, WHEN.isoformat()]
    for a, b in product(times, repeat=2):
        old, new = row(WHYS[0], occurred_at=a), row(WHYS[0], occurred_at=b)
        assert _changed(old, new) == (_fingerprint(old) != _fingerprint(new)), (a, b)


def stored(old: dict[str, Any], text: str | None) -> tuple[Any, ...]:
    """``old`` as write_signals reads it back: (id, activity_id, rule_id, occurred_at, *PLAIN, why's JSON text)."""
    return (1, "a1", "r1", old["occurred_at"], *[old[c] for c in PLAIN], text)


def stored_texts(why: Any) -> list[str | None]:
    """The JSON texts a stored ``why`` may have: SQLAlchemy's (``json.dumps``), another writer's key order and
    spacing (PostgreSQL's jsonb, a hand edit), and none."""
    texts = [json.dumps(why, default=str), json.dumps(why, default=str, sort_keys=True, indent=1),
             json.dumps(why, default=str, separators=(",", ":"))]
    return [*texts, None] if why is None else texts


def test_stored_rows_as_the_fingerprint_tells_them():
    """The text of a stored ``why`` is compared with the new one's dumps: whichever way it was written, the
    answer is the fingerprint's of the value it holds."""
    for a, b in product([*WHYS, None], repeat=2):
        for text in stored_texts(a):
            old = row(None if text is None else json.loads(text))
            assert _stored_changed(stored(old, text), row(b)) == (_fingerprint(old) != _fingerprint(row(b))), \
                (text, b)


def test_stored_rows_other_columns_still_tell_a_change():
    why = WHYS[0]
    text = json.dumps(why)
    assert not _stored_changed(stored(row(why), text), row(why))
    for key, value in (("summary", "mara wrote a recap!"), ("impact", "low"), ("rule_hash", "abd"),
                       ("evidence_url", None), ("occurred_at", datetime(2026, 3, 1, 10, 30, tzinfo=UTC)),
                       ("person_id", "p2"), ("rule_version", 2)):
        assert _stored_changed(stored(row(why), text), row(why, **{key: value})), key
