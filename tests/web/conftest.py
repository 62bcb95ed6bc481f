"""One warehouse and app per test module (webapp.build: pat and pia in payments, managed by mona; otto in platform,
ada an admin, lee a lead). Clients sign in with real invite links, as a user would."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from starlette.testclient import TestClient
from webapp import WebWarehouse, build

from leadsig.web.app import create_app


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory) -> WebWarehouse:
    wh = build(tmp_path_factory.mktemp("web"))
    wh.pat_signal = wh.signal("pat", impact="high", body="Pat's careful review of the retry logic.")
    wh.otto_signal = wh.signal("otto", body="Otto's platform note, private to platform.")
    yield wh
    wh.engine.dispose()


@pytest.fixture(scope="module")
def app(wh: WebWarehouse):  # noqa: ANN201 - Starlette
    return create_app(wh.engine, wh.config())


@pytest.fixture
def sign_in(wh: WebWarehouse, app) -> Callable[..., TestClient]:  # noqa: ANN001
    def client(person_id: str, role: str = "person") -> TestClient:
        c = TestClient(app, follow_redirects=False)
        r = c.post(f"/signin/{wh.invite(person_id, role)}")
        assert r.status_code == 303, r.text
        return c

    return client
