"""Turn the time a user gives ("14:05", "2024-05-01 10:00 UTC+8", "10 minutes ago", "刚刚") into an ISO 8601
timestamp with the user's UTC offset, so the agent and the confirmation-time check read one format."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

_MINUTES = (r"minutes?|mins?|m|分钟|分鐘|分|분|минут[уы]?|мин|minutos?|dakika|dk|Minuten?|دقيقة|دقائق|دقايق")
_HOURS = (r"hours?|hrs?|h|小时|小時|時間|个小时|個小時|시간|час(?:а|ов)?|horas?|saat|heures?|Stunden?|Std|ساعة|ساعات")
_RELATIVE = re.compile(rf"(?<![\d.])(?P<n>\d{{1,3}})\s*(?:(?P<min>{_MINUTES})|(?P<hour>{_HOURS}))(?![A-Za-zа-я])",
                       re.IGNORECASE)
_HALF_HOUR = re.compile(r"half an hour|半小时|半小時|半時間|30분|полчаса|media hora|meia hora|yarım saat|"
                        r"une demi-heure|halbe stunde|نصف ساعة", re.IGNORECASE)
_JUST_NOW = re.compile(r"just now|a moment ago|right now|刚刚|剛剛|刚才|剛才|さっき|たった今|방금|только что|"
                       r"hace un momento|ahora mismo|agora mesmo|há pouco|az önce|şimdi|à l'instant|tout à l'heure|"
                       r"gerade eben|eben erst|قبل قليل|الآن", re.IGNORECASE)
_TWO_DAYS_AGO = re.compile(r"day before yesterday|前天|一昨日|おととい|그저께|그제|позавчера|anteayer|antes de ayer|"
                           r"anteontem|avant-hier|vorgestern|أول أمس|evvelsi gün", re.IGNORECASE)
_YESTERDAY = re.compile(r"yesterday|昨天|昨日|きのう|어제|вчера|ayer|ontem|\bdün|hier|gestern|أمس|البارحة",
                        re.IGNORECASE)
_ZONE = re.compile(r"^(?:Z|UTC|GMT)?\s*(?:(?P<sign>[+-])\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?)?$", re.IGNORECASE)


def user_zone(offset_minutes: int) -> timezone:
    """The fixed-offset zone of a user `offset_minutes` east of UTC."""
    return timezone(timedelta(minutes=offset_minutes))


def _zone(raw: str | None, default: timezone) -> timezone:
    if not raw:
        return default
    match = _ZONE.match(raw.strip())
    if not match:
        return default
    if not match.group("sign"):
        return UTC
    minutes = int(match.group("h")) * 60 + int(match.group("m") or 0)
    return timezone(timedelta(minutes=minutes if match.group("sign") == "+" else -minutes))


def relative_time(text: str, now: datetime, offset_minutes: int) -> str | None:
    """'10 minutes ago', 'hace 2 horas', '刚刚' -> ISO timestamp in the user's zone, else None."""
    zone = user_zone(offset_minutes)
    if _JUST_NOW.search(text):
        return now.astimezone(zone).isoformat(timespec="minutes")
    if _HALF_HOUR.search(text):
        return (now - timedelta(minutes=30)).astimezone(zone).isoformat(timespec="minutes")
    match = _RELATIVE.search(text)
    if not match:
        return None
    amount = int(match.group("n"))
    delta = timedelta(minutes=amount) if match.group("min") else timedelta(hours=amount)
    return (now - delta).astimezone(zone).isoformat(timespec="minutes")


def days_back(text: str) -> int:
    """2 for "the day before yesterday", 1 for "yesterday" (12 languages), else 0."""
    if _TWO_DAYS_AGO.search(text):
        return 2
    return 1 if _YESTERDAY.search(text) else 0


def entity_time(value: str, now: datetime, offset_minutes: int, *, back: int = 0) -> str:
    """An extracted datetime entity value ('2024-05-01 10:00 UTC+8', '14:05', '--05-01') as ISO 8601 in the
    user's zone; a time without a date is today, or yesterday when today's would be in the future. Values it
    cannot read are returned unchanged. `back` days are subtracted from a time given without a date
    ("yesterday 18:05")."""
    match = re.match(r"^(?:(?P<date>\d{4}-\d{2}-\d{2}|--\d{2}-\d{2})\s*)?(?:(?P<time>\d{2}:\d{2})(?::\d{2})?)?\s*"
                     r"(?P<zone>\S.*)?$", value.strip())
    if not match or not (match.group("date") or match.group("time")):
        return value
    zone = _zone(match.group("zone"), user_zone(offset_minutes))
    local_now = now.astimezone(zone)
    raw_date = match.group("date")
    try:
        if raw_date and raw_date.startswith("--"):
            day = date(local_now.year, int(raw_date[2:4]), int(raw_date[5:7]))
        elif raw_date:
            day = date.fromisoformat(raw_date)
        else:
            day = local_now.date() - timedelta(days=back)
    except ValueError:
        return value
    if not match.group("time"):
        return day.isoformat()
    hour, minute = (int(part) for part in match.group("time").split(":"))
    stamp = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
    if not raw_date and not back and stamp > local_now + timedelta(minutes=10):
        stamp -= timedelta(days=1)
    return stamp.isoformat(timespec="minutes")


def parse_stamp(value: str | None) -> datetime | None:
    """An ISO timestamp with a time of day and an offset, else None (a bare date is not precise enough)."""
    if not value or "T" not in value:
        return None
    try:
        stamp = datetime.fromisoformat(value)
    except ValueError:
        return None
    return stamp if stamp.tzinfo is not None else None


def display_time(value: str) -> str:
    """'2024-05-01T10:00+08:00' -> '2024-05-01 10:00 (UTC+08:00)'; anything else unchanged."""
    stamp = parse_stamp(value)
    if stamp is None:
        return value
    offset = stamp.strftime("%z")
    zone = "UTC" if offset in ("+0000", "") else f"UTC{offset[:3]}:{offset[3:]}"
    return f"{stamp:%Y-%m-%d %H:%M} ({zone})"
