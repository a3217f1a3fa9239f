"""The check-ins as an iCalendar file (RFC 5545), written with the icalendar library.

Imported by ``remind`` only (icalendar is not a start-up import).

Times are UTC (``DTSTART:20261207T090000Z``), not local time with a TZID: a
check-in is a moment counted from the massage, UTC is the one form every
calendar application must read the same way (a TZID needs a VTIMEZONE that
the file would have to carry and the application to trust, and this
computer's zone often has no IANA name to give it: a TZ rule string, a copied
/etc/localtime), and the application shows each event in the zone of the
device, which is the person's. The local clock time ("09:00 the next
morning") was worked out before, in the person's zone (advice.remind).

Each event has a stable UID (advice.remind.uid), so importing a second file for
the same massage updates the events rather than doubling them; a DTSTAMP (when
the file was made); a DURATION; TRANSP:TRANSPARENT (a check-in does not make
the person busy); and a VALARM that shows it when it is due.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, timezone

from .. import __version__
from ..advice.remind import Planned

PRODID = f"-//soreadvisor//soreadvisor {__version__}//EN"


def to_ics(planned: Sequence[Planned], minutes: int, now: datetime) -> bytes:
    """The calendar as the bytes of a .ics file (UTF-8, CRLF line ends, folded)."""
    from icalendar import Alarm, Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    stamp = now.astimezone(timezone.utc).replace(microsecond=0)
    for p in planned:
        event = Event()
        event.add("uid", p.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", p.at.astimezone(timezone.utc))
        event.add("duration", timedelta(minutes=minutes))
        event.add("summary", p.title)
        event.add("description", p.description)
        event.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", p.title)
        alarm.add("trigger", timedelta(0))
        event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()
