"""Host rewriting for vcrpy cassettes: a live base URL (the simulator on a random port, or a real forge
while re-recording) becomes a fixed fake one, so replay matches on path and query alone."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit


class HostRewriter:
    def __init__(self, fake: str):
        self.fake = fake
        self.bases: list[str] = []  # the live base URLs while recording

    def __deepcopy__(self, memo: dict) -> HostRewriter:
        return self  # vcrpy deep-copies its config; the hooks must still see the bases set while recording

    def rewrite(self, text: str) -> str:
        fake = urlsplit(self.fake)
        for base in self.bases:
            live = urlsplit(base)
            text = text.replace(base, self.fake).replace(live.netloc, fake.netloc)
            text = text.replace(f"@{live.hostname}:", f"@{fake.hostname}:")  # ssh clone URLs
        return text

    def vcr_config(self, request: Any, filter_headers: list[str], match_on: list[str]) -> dict[str, Any]:
        """pytest-recording config: replay only under CI (``CI`` set), record once locally; an explicit
        ``--record-mode`` wins."""
        config: dict[str, Any] = {
            "filter_headers": filter_headers,
            "match_on": match_on,
            "before_record_request": self.scrub_request,
            "before_record_response": self.scrub_response,
            "decode_compressed_response": True,
        }
        if request.config.getoption("--record-mode") is None:
            config["record_mode"] = "none" if os.environ.get("CI") else "once"
        return config

    def scrub_request(self, request: Any) -> Any:
        request.uri = self.rewrite(request.uri)
        return request

    def scrub_response(self, response: dict[str, Any]) -> dict[str, Any]:
        body = response["body"].get("string")
        if isinstance(body, bytes):
            response["body"]["string"] = self.rewrite(body.decode("utf-8")).encode("utf-8")
        for name in list(response["headers"]):
            if name.lower() == "link":
                response["headers"][name] = [self.rewrite(v) for v in response["headers"][name]]
        return response
