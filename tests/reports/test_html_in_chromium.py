"""The HTML report in a real browser: charts and tables render, no script errors, hostile text is text.

Drives Debian's headless Chromium over the DevTools protocol (websockets comes with Prefect), so the
check is on the rendered page (element sizes, the document's title, errors reported by the browser),
not only on the file's text.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from leadsig.reports.monthly import build_monthly

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--remote-debugging-port=0",
         "--window-size=1200,1600"]
HOSTILE = "<script>document.title='PWNED'</script><img src=x onerror=\"document.title='PWNED'\">"
PROBE = """(() => {
  const shown = (el) => el.getBoundingClientRect().width > 0 && el.getBoundingClientRect().height > 0;
  const out = {
    title: document.title,
    scripts: document.scripts.length,
    imgs: document.images.length,
    charts: [...document.querySelectorAll('section.team .charts svg.chart')].filter(shown).length,
    bars: [...document.querySelectorAll('section.team .charts rect.bar')].filter(shown).length,
    tables: [...document.querySelectorAll('table')].filter(shown).length,
  };
  document.querySelectorAll('details').forEach((d) => { d.open = true; });
  out.person_charts = [...document.querySelectorAll('details svg.chart')].filter(shown).length;
  out.hostile = document.body.innerText.includes("<script>document.title='PWNED'</script>");
  return JSON.stringify(out);
})()"""


class Page:
    """One page target over the DevTools websocket: send commands, collect events."""

    def __init__(self, ws_url: str):
        from websockets.sync.client import connect

        self.ws = connect(ws_url, max_size=None, open_timeout=20)
        self.next_id = 0
        self.events: list[dict] = []

    def call(self, method: str, timeout: float = 20, **params) -> dict:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while True:
            msg = json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if msg.get("id") == self.next_id:
                assert "error" not in msg, msg
                return msg.get("result", {})
            self.events.append(msg)

    def wait_for(self, method: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == method for e in self.events):
            self.events.append(json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic()))))


def _devtools_port(profile: Path, proc: subprocess.Popen, timeout: float = 30) -> int:
    marker = profile / "DevToolsActivePort"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if marker.exists() and marker.read_text().strip():
            return int(marker.read_text().splitlines()[0])
        if proc.poll() is not None:
            pytest.fail(f"chromium exited with {proc.returncode}")
        time.sleep(0.05)
    pytest.fail("chromium did not open its DevTools port")


@pytest.fixture
def report(wh) -> Path:
    wh.people(6)
    wh.person("eve", name="Eve", region="Asia-Pacific", timezone="Asia/Tokyo")
    for i in range(6):
        wh.signal(f"p{i:02d}", signal_type=("technical", "operational", "communication")[i % 3],
                  indicator=("reviews_proactively", "identifies_bottlenecks", "writes_documentation")[i % 3])
    wh.signal("eve", title=HOSTILE, summary=HOSTILE, body=HOSTILE + "x" * 1_000_000)
    return build_monthly(wh.engine, wh.config(), "2026-10")["html"]


@pytest.mark.skipif(not Path(CHROMIUM).exists(),
                    reason="Debian's chromium is not installed (apt-get install -y chromium; .ci/run installs it)")
def test_report_renders_in_chromium(report, tmp_path):
    profile = tmp_path / "profile"
    proc = subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        port = _devtools_port(profile, proc)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as resp:
            target = next(t for t in json.load(resp) if t["type"] == "page")
        page = Page(target["webSocketDebuggerUrl"])
        for domain in ("Page", "Runtime", "Log"):
            page.call(f"{domain}.enable")
        page.call("Page.navigate", url=report.as_uri())
        page.wait_for("Page.loadEventFired")
        result = json.loads(page.call("Runtime.evaluate", expression=PROBE, returnByValue=True)["result"]["value"])
        errors = [e for e in page.events if e.get("method") == "Runtime.exceptionThrown"
                  or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")]
        page.ws.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert errors == []
    assert result["title"].startswith("Leadership signals, 2026-10")
    assert result["scripts"] == 0 and result["imgs"] == 0
    assert result["charts"] == 2 and result["bars"] >= 6
    assert result["tables"] >= 5 and result["person_charts"] == 7
    assert result["hostile"] is True
