"""One clock for every log line: web, worker and beat print Asia/Shanghai time, whatever
the machine's time zone (a container often runs in UTC, and honcho prefixes its own)."""

import datetime as dt
import logging
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
DATEFMT = "%Y-%m-%d %H:%M:%S"


class ShanghaiFormatter(logging.Formatter):
    def formatTime(self, record, datefmt=None):
        return dt.datetime.fromtimestamp(record.created, SHANGHAI).strftime(datefmt or DATEFMT)
