"""Two repos loading at once share identities (people active in both): they must not deadlock."""

from __future__ import annotations

import threading

from factories import make_activity, make_resolver

from leadsig.warehouse import store
from leadsig.warehouse.db import open_warehouse

LOGINS = [f"user{i:02d}" for i in range(40)]


def test_batches_sharing_identities_in_opposite_orders_do_not_deadlock(warehouse_url: str) -> None:
    """PostgreSQL locks rows in the order a statement writes them; SQLite serialises the two writers."""
    engine = open_warehouse(warehouse_url)
    errors: list[BaseException] = []

    def load(repo: str, logins: list[str], start: threading.Barrier) -> None:
        acts = [make_activity(repo=repo, actor_login=login) for login in logins]
        start.wait()
        try:
            store.save_batch(engine, "gh", repo, "review_comments", acts, None, make_resolver())
        except BaseException as exc:  # noqa: BLE001 - collected, asserted below
            errors.append(exc)

    for round_ in range(15):
        start = threading.Barrier(2)
        threads = [threading.Thread(target=load, args=(f"acme/a{round_}", LOGINS, start)),
                   threading.Thread(target=load, args=(f"acme/b{round_}", LOGINS[::-1], start))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not errors, errors[0]
