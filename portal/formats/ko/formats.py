"""The portal's Korean date formats (FORMAT_MODULE_PATH); anything not named here comes from Django's own.

Django's Korean SHORT_DATE_FORMAT is "Y-n-j" (2026-12-1, a form nobody writes) and its times are 12-hour
(오후 3:00). The portal writes dates as Korean public services do: 2026년 12월 1일 in text, 2026. 12. 1. in
tables, and times on the 24-hour clock.
"""

DATE_FORMAT = "Y년 n월 j일"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "Y년 n월 j일 H:i"
SHORT_DATE_FORMAT = "Y. n. j."
SHORT_DATETIME_FORMAT = "Y. n. j. H:i"
