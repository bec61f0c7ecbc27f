"""The demo fleet: fictional portals of 港康市 behind a real DNS server and a real HTTP server.

Everything listens on 127.0.0.1 and ::1 only. Between them the portals show every verdict of
every rule of the demo's plans (see `gkaudit.demo.expected.EXPECTED`): broken IPv6, a CNAME to a
CDN, a GBK page, redirects of every kind, a missing catalogue section, a stale column, sites
that are unreachable in three different ways. Who the portals are is the demo's own
(`identities`); their faults come from the checks (`gkaudit/checks/<name>/demo.py`).
`gkaudit demo` scans it (`gkaudit.demo.fleet.DemoFleet`); the tests use it too.

This package imports nothing: a check's `demo.py` is built on the demo's spine (`spec`, `http`,
`dns`, `pages`), and importing it must not pull in the fleet, which imports every check's faults.
"""
