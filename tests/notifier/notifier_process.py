"""A notifier process for the fault tests: `python notifier_process.py '{"lease": 1.5}'`.

Configuration comes from the environment as in `python -m bot notifier`; the JSON argument
holds Notifier options (short leases, no pacing) so the tests run in seconds."""

import asyncio
import json
import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bot.config import Config  # noqa: E402
from bot.notifier import run_notifier  # noqa: E402

if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s: %(message)s")
    options = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    asyncio.run(run_notifier(Config.from_env(), **options))
