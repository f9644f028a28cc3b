"""English date formats: Django's, with the 24-hour clock the Korean pages use (one clock on the whole site)."""

TIME_FORMAT = "H:i"
DATETIME_FORMAT = "N j, Y, H:i"
SHORT_DATETIME_FORMAT = "m/d/Y H:i"
