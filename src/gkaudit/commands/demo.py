"""`gkaudit demo`: the demo fleet on loopback, scanned with both packaged plans (the Dalian plan and
the national indicators) in one crawl, reported."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rich.console import Console

from gkaudit.audit import Audit, Settings
from gkaudit.commands.scan import outputs
from gkaudit.engine import ScanSettings
from gkaudit.exits import EXIT_OK, FailOn
from gkaudit.i18n import _
from gkaudit.net.http import FetchSettings

#: The demo's slow portal outlasts this; a short timeout keeps the demo quick.
DEMO_TIMEOUT = 2.0


def run(today: dt.date, params: Mapping[str, Any], *, out: Console, err: Console) -> int:
    """Scan the demo fleet as of `today` and write the reports and notifications `params` (the
    options of `gkaudit demo`, named as `scan`'s) ask for; the exit code (findings do not
    count: the demo is built to have them). With `--serve`, the fleet stays up instead."""
    from gkaudit.demo.fleet import DemoFleet, serve_forever
    from gkaudit.demo.spec import DEMO_PLANS

    if params["serve"]:
        serve_forever(today)
        return EXIT_OK

    with DemoFleet(today, slow_seconds=DEMO_TIMEOUT * 4) as fleet:
        scan = ScanSettings(
            as_of=today,
            nameservers=(fleet.nameserver,),
            authoritative_port=fleet.dns.port,
            fetch=FetchSettings(timeout=DEMO_TIMEOUT, retries=1, interval=0.0, allow_private=True),
        )
        settings = Settings(
            sites_file=None,
            plans=tuple(Path(plan) for plan in DEMO_PLANS),
            outputs=outputs(params),
            record=False,
            fail_on=FailOn.NEVER,
            scan=scan,
            progress=not params["no_progress"],
            notify=tuple(params["notify"] or ()),
            notify_format=params["notify_format"],
        )
        audit = Audit(settings, out, err)
        banner = _(
            "demo fleet: {n} portals on 127.0.0.1 and [::1] port {port}, DNS at {dns}; "
            "timeout {timeout:g} s"
        ).format(
            n=len(fleet.sites), port=fleet.http_port, dns=fleet.nameserver, timeout=DEMO_TIMEOUT
        )
        audit.out.print(banner, style="dim", markup=False, soft_wrap=True)
        report = audit.run(fleet.sites)
    audit.write(report, None)
    return audit.exit_code(report, None)
