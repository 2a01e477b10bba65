"""A notifier process for the fault tests: `python notifier_process.py '{"lease": 1.5}'`.

Configuration comes from the environment as in `python -m bot notifier`; the JSON argument
holds Notifier options (short leases, no pacing) so the tests run in seconds. The schedule (the
digest, long waits) runs only when asked: "schedule_interval" (seconds between looks), with
"pretend_now" (ISO): the moment the process's clock shows at the real instant "pretend_from"
(seconds since the epoch; by default, when the process starts), so that processes started one
after the other can share one timeline."""

import asyncio
import json
import logging
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bot.config import Config  # noqa: E402
from bot.service import run_service  # noqa: E402
from bot.notifier.scheduled import Schedule  # noqa: E402
from store import Store, utc_now  # noqa: E402


def pretended_clock(start: str | None, real_start: float | None):
    if start is None:
        return utc_now
    moment, real_start = datetime.fromisoformat(start), time.time() if real_start is None else real_start
    return lambda: moment + timedelta(seconds=time.time() - real_start)


async def main(options: dict) -> None:
    config = Config.from_env()
    interval = options.pop("schedule_interval", None)
    options["schedule"] = Schedule.from_config(config, interval=interval) if interval else None
    clock = pretended_clock(options.pop("pretend_now", None), options.pop("pretend_from", None))
    store = await Store.open(config.database_url, clock=clock, attachments_dir=config.attachments_dir)
    try:
        await run_service(config, None, store, notifier=True, notifier_options=options)
    finally:
        await store.close()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s: %(message)s")
    asyncio.run(main(json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}))
