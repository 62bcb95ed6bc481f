"""A forge that gives one fixed answer to every request: what the simulator does not play (a refused token,
a body cut short). Counts the requests it was asked."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@contextmanager
def stub_forge(status: int, body: bytes, content_type: str = "application/json",
               headers: list[dict[str, str]] | None = None) -> Iterator[tuple[str, list[str]]]:
    """Serve ``status`` and ``body`` on 127.0.0.1; yields (base URL, the request lines it received).
    ``headers``, when given, receives each request's headers (to see whether a credential arrived)."""
    seen: list[str] = []

    class Fixed(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            seen.append(f"{self.command} {self.path}")
            if headers is not None:
                headers.append(dict(self.headers.items()))
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer  # noqa: N815 - http.server's naming

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Fixed)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()
