"""Logging as the operator chose it (ECAGE_LOG_FORMAT, ECAGE_LOG_LEVEL; bot/config.py reads them).

`text`, the default, is the line a person reads in a terminal. `json` is one JSON object a line,
for a log collector: time, level, logger, message, and the fields a call passes with
``extra={"channel": ..., "chat": ..., "demand": ..., "turn": ...}``; a traceback travels inside
the line, as ``exception``, so an event is always one line.

What is logged at INFO and above never holds a token, a password or what a person wrote. (Bot API
URLs contain the bot token: their HTTP client, bot/telegram/bot_api_http.py, logs none.)
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone

from bot.config import LogSettings

HANDLER_NAME = "ecage"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# What a call may pass with `extra=` that a JSON line carries as its own field.
FIELDS = ("channel", "chat", "demand", "turn")


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        line.update({name: getattr(record, name) for name in FIELDS if getattr(record, name, None) is not None})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure_logging(settings: LogSettings | None = None) -> None:
    """Once, at start: every line to stderr in the chosen format."""
    settings = settings or LogSettings.from_env()
    handler = logging.StreamHandler()
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(JsonLines() if settings.format == "json" else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    # Called again (main() run twice in one process, as tests do): replaces its own handler only.
    for old in [old for old in root.handlers if old.get_name() == HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.level)
    for problem in settings.unknown:
        logging.getLogger(__name__).warning("ignored %s", problem)
