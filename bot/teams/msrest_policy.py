"""How the Bot Connector clients under botbuilder retry: quickly built, and never asleep in a thread.

botbuilder makes msrest clients all the time (a `ConnectorClient` and a `TokenApiClient` for each
activity, another pair for each proactive send), and each builds an msrest `ClientRetryPolicy`.
Two things in it cost the bot dearly, and `apply()` (called by `build_adapter`) changes both:

- Its constructor lists the statuses to retry as `[i for i in range(999) if i not in
  self.safe_codes]`, `safe_codes` a 500-item list: half a million comparisons, 3 ms each time, a
  third of a Teams turn's CPU (py-spy on tests/fuzz/test_teams_shapes.py: 25% of the samples).
  The same codes in a frozenset give the same `status_forcelist`, in the same order, in 30 µs.
- It retries a connection the connector refused three times, sleeping 1.6 s and 3.2 s in between
  with `time.sleep`, inside a thread of the event loop's default executor (msrest's requests run
  there; six threads on two cores). One unreachable `serviceUrl` held its turn, and every later
  message of that chat, for 5 s, and six of them at once stopped every Teams send of the process
  (half the fuzz's time went to those sleeps). Here a refused connection fails at once, as the
  same `ClientRequestError`; our own retries take over: `send.with_retries` for what the
  connector answers 429/412/502/504, the outbox and the notifier (with backoff) for the rest.
  Statuses were never retried by msrest for our POSTs (urllib3 retries statuses only for
  idempotent methods), so nothing else changes.

botbuilder 4.17 pins msrest 0.7 (the SDK is archived): the class does not move under us, and
tests/teams/test_msrest_policy.py checks both facts against it.
"""

from __future__ import annotations

from msrest.universal_http import requests as msrest_requests

_ORIGINAL = msrest_requests.ClientRetryPolicy


class ConnectorRetryPolicy(_ORIGINAL):
    safe_codes = frozenset(_ORIGINAL.safe_codes)  # read only by the constructor, for membership

    def __init__(self) -> None:
        super().__init__()
        self.policy.connect = 0  # a refused or failed connection is raised at once, not slept on


def apply() -> None:
    """msrest's clients built from now on take `ConnectorRetryPolicy` (idempotent)."""
    msrest_requests.ClientRetryPolicy = ConnectorRetryPolicy
