"""Rate limits and injected faults: the misbehaviour a real forge shows, on demand and deterministic.

:class:`Switches` holds every knob; a test sets them at runtime (``sim.switches.budget = 10``).
:class:`FaultPlan` decides, request by request, what happens.  It uses its own ``random.Random(seed)``,
so a single client sees the same faults on every run.  Each forge has its own rate-limit window, as
github.com and gitlab.com are separate services.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field

NOMINAL_LIMIT = 5000
NOMINAL_WINDOW = 3600


@dataclass
class Switches:
    """Runtime knobs.  ``None``/0 means off."""

    budget: int | None = None  # primary limit: requests per window before 403 (GitHub) / 429 (GitLab)
    reset_after: float = 2.0  # seconds from exhaustion until the budget comes back
    window: float = NOMINAL_WINDOW  # seconds a budget lasts: at its X-RateLimit-Reset a fresh one starts
    secondary_every: int = 0  # every Nth API request gets a secondary rate limit response
    secondary_status: int = 403  # GitHub secondary status: 403 or 429 (GitLab always 429)
    retry_after: int = 1  # Retry-After seconds on secondary limits
    error_rate: float = 0.0  # fraction of API responses replaced by a 5xx
    drop_rate: float = 0.0  # fraction of API requests answered by closing the socket
    slow_rate: float = 0.0  # fraction of API responses delayed by slow_seconds
    slow_seconds: float = 0.5
    latency: float = 0.0  # seconds added to every API response
    fault_seed: int = 1234
    failing: tuple[str, ...] = ()  # API paths containing one of these (e.g. "acme/api") always get a 503
    graphql_absent: bool = False  # /graphql answers 404, as an Enterprise Server or a proxy without GraphQL
    gitlab_graphql_absent: bool = False  # GitLab's /api/graphql answers 404 (a GitLab or proxy without it)
    git_needs_token: bool = False  # git over HTTP answers 401 without a token (a private repository)
    graphql_needs_token: bool = False  # as github.com: anonymous GraphQL gets a 401 (off: tests mine anonymously)
    # what a real forge, or a proxy in front of it, sometimes does to a client that did nothing wrong
    unauthorized: bool = False  # every API request gets a 401 (a revoked or expired token)
    echo_token: bool = False  # error bodies repeat the credential the request carried (as some proxies do)
    bad_body: str = ""  # "html" (a login or proxy page) or "truncated" (JSON cut short) on 200 answers; "" = off
    bad_body_rate: float = 1.0  # fraction of 200 API answers that get the bad body while it is on
    bad_body_max: int | None = None  # at most this many bad bodies (None: no limit), e.g. 1 for "the first one"
    redirect_to: str = ""  # scheme://host:port: API requests are redirected there (same path and query)
    redirect_status: int = 302


@dataclass
class Window:
    """One forge's primary rate-limit window."""

    used: int = 0
    reset_at: float = 0.0  # epoch seconds; 0 = not yet exhausted (headers show a nominal hour)
    opened: float = field(default_factory=lambda: time.time())  # looked up per window: tests set the clock


@dataclass
class Decision:
    """What to do with one request: ``action`` is ok / primary / secondary / error / drop."""

    action: str = "ok"
    status: int = 200
    delay: float = 0.0
    remaining: int = NOMINAL_LIMIT
    limit: int = NOMINAL_LIMIT
    used: int = 0
    reset: int = 0
    retry_after: int = 0


BAD_BODY_KINDS = ("html", "truncated")
# Budgets, as the forges keep them: GitHub's REST ("github", GitHub's "core") and GraphQL budgets are separate,
# GraphQL spent in points (graphql_cost), REST in requests; GitLab's in requests.
BUDGETS = ("github", "graphql", "gitlab")


class FaultPlan:
    """Thread-safe per-request decisions from the current :class:`Switches`."""

    def __init__(self, switches: Switches) -> None:
        self.switches = switches
        self._lock = threading.Lock()
        self._rng = random.Random(switches.fault_seed)
        self._seeded_with = switches.fault_seed
        self._windows: dict[str, Window] = {k: Window() for k in BUDGETS}
        self._seen: dict[str, int] = dict.fromkeys(BUDGETS, 0)
        self._bad_bodies = 0  # bad bodies served so far (for ``bad_body_max``)

    def restore_budget(self) -> None:
        """Give every forge a full budget now (as if the reset time had passed)."""
        with self._lock:
            self._windows = {k: Window() for k in BUDGETS}

    def reset(self) -> None:
        """Forget all state: budgets, secondary counters and the fault RNG."""
        with self._lock:
            self._windows = {k: Window() for k in BUDGETS}
            self._seen = dict.fromkeys(BUDGETS, 0)
            self._rng = random.Random(self.switches.fault_seed)
            self._seeded_with = self.switches.fault_seed
            self._bad_bodies = 0

    def bad_body(self) -> str | None:
        """Whether this 200 answer's body is spoiled, and how ("html" or "truncated"); counts it."""
        s = self.switches
        if s.bad_body not in BAD_BODY_KINDS:
            return None
        with self._lock:
            if s.bad_body_max is not None and self._bad_bodies >= s.bad_body_max:
                return None
            if s.bad_body_rate < 1.0 and self._rng.random() >= s.bad_body_rate:
                return None
            self._bad_bodies += 1
            return s.bad_body

    def refund(self, forge: str) -> None:
        """Give back the request just decided (a 304: GitHub does not count it)."""
        with self._lock:
            w = self._windows[forge]
            w.used = max(0, w.used - 1)

    def peek(self, forge: str) -> Decision:
        """Current rate-limit numbers without consuming a request (for /rate_limit)."""
        with self._lock:
            return self._numbers(forge, time.time())

    def _numbers(self, forge: str, now: float) -> Decision:
        s, w = self.switches, self._windows[forge]
        limit = s.budget if s.budget is not None else NOMINAL_LIMIT
        reset = int(w.reset_at) if w.reset_at else int(w.opened + s.window)
        return Decision(limit=limit, used=w.used, remaining=max(0, limit - w.used), reset=reset)

    def decide(self, forge: str, cost: int = 1, budget: str | None = None) -> Decision:
        """Consume ``cost`` points of a budget (``budget``, by default ``forge``'s: see BUDGETS) and pick the
        request's fate. A GraphQL query costs its points (GitHub's formula); one that costs more than what
        is left is refused, as on GitHub."""
        s, key = self.switches, budget or forge
        now = time.time()
        with self._lock:
            if self._seeded_with != s.fault_seed:
                self._rng = random.Random(s.fault_seed)
                self._seeded_with = s.fault_seed
            w = self._windows[key]
            if (w.reset_at and now >= w.reset_at) or (not w.reset_at and now >= int(w.opened + s.window)):
                w = self._windows[key] = Window(opened=now)  # the reset the headers announced has come
            self._seen[key] += 1
            if s.budget is not None and w.used + max(1, cost) > s.budget:
                if not w.reset_at:  # back after reset_after, or at the window's end if that comes first
                    w.reset_at = min(now + s.reset_after, int(w.opened + s.window))
                d = self._numbers(key, now)
                d.action, d.status, d.remaining = "primary", (403 if forge == "github" else 429), 0
                d.retry_after = max(1, int(w.reset_at - now + 0.999))
                return d
            w.used += max(1, cost)
            d = self._numbers(key, now)
            d.delay = s.latency
            if s.secondary_every and self._seen[key] % s.secondary_every == 0:
                d.action, d.retry_after = "secondary", s.retry_after
                d.status = s.secondary_status if forge == "github" else 429
                return d
            return self._roll(d)

    def _roll(self, d: Decision) -> Decision:
        """The random faults (drop, 5xx, slow answer); the caller holds the lock. Three draws each time, so a
        seed gives the same sequence whichever faults are switched on."""
        s = self.switches
        roll_drop, roll_err, roll_slow = self._rng.random(), self._rng.random(), self._rng.random()
        if roll_drop < s.drop_rate:
            d.action = "drop"
        elif roll_err < s.error_rate:
            d.action, d.status = "error", self._rng.choice([500, 502, 503])
        if roll_slow < s.slow_rate:
            d.delay += s.slow_seconds
        return d

    def git_decision(self) -> Decision:
        """Faults and latency for a git request: as the API's, but git traffic spends no rate-limit budget."""
        with self._lock:
            return self._roll(Decision(delay=self.switches.latency))
