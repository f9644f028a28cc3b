"""The shared list of typed amounts: how the server reads each (tests/portal/test_money_input.py) and the
browser's echo must read it the same way (tests/browser/test_amount_echo.py runs static/js/krw-input.js in
Chromium on every case). Add a case here and both check it."""

from portal.money import MAX_KRW

READ = [
    ("1,200억", 120_000_000_000),
    ("3억 5천만", 350_000_000),
    ("3억 5,000만", 350_000_000),
    ("3억5천만원", 350_000_000),
    ("1조 2천억", 1_200_000_000_000),
    ("12,000억", 1_200_000_000_000),  # the leading unit may count past 1만
    ("3,000,000,000", 3_000_000_000),
    ("3000000000", 3_000_000_000),
    ("30억", 3_000_000_000),
    ("5000만원", 50_000_000),
    ("5,000만 원", 50_000_000),
    ("12억원", 1_200_000_000),
    ("12억 원", 1_200_000_000),
    ("123만 4567", 1_234_567),  # after 만, a bare number is won
    ("3억 5000원", 300_005_000),  # 원 says it: won
    ("2천5백만", 25_000_000),
    ("천만 원", 10_000_000),  # a bare unit is one of it
    ("만 원", 10_000),
    ("억", 100_000_000),
    ("십만", 100_000),
    ("5천", 5_000),
    ("0", 0),
    ("0원", 0),
    ("0억", 0),
    ("1.5억", 150_000_000),  # decimals before 조, 억 or 만, when they come to whole won
    ("1.23456789억", 123_456_789),
    ("1,200.5억", 120_050_000_000),
    ("１２억", 1_200_000_000),  # full-width digits
    ("  3억 5천만  ", 350_000_000),
    ("₩5,000", 5_000),
    ("1000조", MAX_KRW),  # the largest amount read
]

REFUSED = [
    ("", "invalid"), ("   ", "invalid"), ("abc", "invalid"), ("1e5", "invalid"), ("3 000", "invalid"),
    ("3억원 5천", "invalid"), ("12천", "invalid"), (",100", "invalid"), ("$5", "invalid"),
    ("-5억", "negative"), ("−5억", "negative"),
    ("1001조", "too_large"), ("1,000,000,000,000,001", "too_large"),
    ("3,00,000", "commas"), ("1,2억", "commas"),
    ("1억 2조", "order"), ("1억 2억", "order"), ("천천", "order"), ("5천천", "order"),
    ("1.5", "fraction"), ("0.5", "fraction"), ("1.234567891억", "fraction"), ("3억 0.5만", "fraction"),
    ("3억 5000", "ambiguous"), ("1조 5", "ambiguous"),  # read by many as 3억 5,000만: never guessed
    ("3억 15000만", "part_too_large"), ("123만 45678", "part_too_large"),
]
