"""The shared list of budget lines: the messages projects.rules gives each case, the proposal form's live check
(static/js/proposal-totals.js) must give word for word (tests/browser/test_budget_summary.py runs the script in
Chromium on every case, in Korean and in English). Add a case here and both check it.

Each case: (what it shows, the call's fields that differ from the defaults, the lines as (group, government,
cash, in kind) in won). The first line is the lead's, the others are demand companies'.
"""

LARGE, MIDSIZE, SME, PUBLIC, INSTITUTION = "large", "midsize", "sme", "public_enterprise", "institution"
EOK = 100_000_000  # 1억 원

CASES = [
    ("every share exactly at its limit", {}, [
        (MIDSIZE, 7 * EOK, 2 * EOK, 1 * EOK), (SME, 75 * EOK // 10, 25 * EOK // 10, 0)]),
    ("one won over a mid-sized firm's share", {}, [
        (MIDSIZE, 7 * EOK + 1, 2 * EOK, 1 * EOK), (SME, 3 * EOK, 1 * EOK, 0)]),
    ("the largest allowed amount is cut to the won", {}, [
        (MIDSIZE, 3 * EOK, 0, 1 * EOK), (SME, 3 * EOK, 1 * EOK, 0)]),
    ("a large enterprise over its share and short of cash", {}, [
        (SME, 3 * EOK, 1 * EOK, 0), (LARGE, 9 * EOK, 0, 1 * EOK)]),
    ("an SME one won short of its cash minimum", {}, [
        (SME, 1 * EOK, 9_999_999, 90_000_001), (MIDSIZE, 1 * EOK, 1 * EOK, 0)]),
    ("a cash minimum that is not whole won is rounded up", {}, [
        (MIDSIZE, 1 * EOK, 16_049_382, 107_407_407), (SME, 1 * EOK, 1 * EOK, 0)]),
    ("the same, with exactly enough cash", {}, [
        (MIDSIZE, 1 * EOK, 16_049_383, 107_407_406), (SME, 1 * EOK, 1 * EOK, 0)]),
    ("institutions: all of it from the government, no cash minimum", {}, [
        (SME, 3 * EOK, 1 * EOK, 0), (INSTITUTION, 10 * EOK, 0, 0), (INSTITUTION, 1 * EOK, 0, 5 * EOK)]),
    ("a public enterprise has the large enterprises' limits", {}, [
        (SME, 6 * EOK, 2 * EOK, 0), (PUBLIC, 6 * EOK, 1 * EOK, 3 * EOK), (PUBLIC, 1 * EOK, 1, 2 * EOK)]),
    ("exactly the cap", {}, [
        (MIDSIZE, 50 * EOK, 50 * EOK, 0), (SME, 50 * EOK, 50 * EOK, 0)]),
    ("one won over the cap", {}, [
        (MIDSIZE, 50 * EOK, 50 * EOK, 0), (SME, 50 * EOK + 1, 50 * EOK, 0)]),
    ("no government funding at all", {}, [
        (MIDSIZE, 0, 1 * EOK, 0), (SME, 0, 0, 2 * EOK)]),
    ("SMEs and mid-sized firms get exactly the minimum share", {}, [
        (LARGE, 5 * EOK, 5 * EOK, 0), (SME, 5 * EOK, 5 * EOK, 0)]),
    ("one won less than the minimum share", {}, [
        (LARGE, 5 * EOK + 1, 5 * EOK + 1, 0), (SME, 5 * EOK, 5 * EOK, 0)]),
    ("no SME or mid-sized firm", {}, [
        (LARGE, 4 * EOK, 4 * EOK, 0), (INSTITUTION, 2 * EOK, 0, 0), (PUBLIC, 1 * EOK, 1 * EOK, 0)]),
    ("a call with limits of its own", {
        "gov_share_sme": 60, "cash_min_sme": 20, "sme_midsize_min_share": 70, "funding_cap": 50 * EOK,
        "gov_share_institution": 80}, [
        (SME, 30 * EOK, 10 * EOK, 10 * EOK), (INSTITUTION, 9 * EOK, 0, 2 * EOK), (MIDSIZE, 12 * EOK, 6 * EOK, 0)]),
    ("amounts whose products pass 2**53 (exact in both)", {}, [
        (INSTITUTION, 100 * EOK, 0, 0), (LARGE, 10**15, 10**15 - 1, 0), (SME, 10**15, 10**14 * 3 + 7, 10**15)]),
    ("small amounts in won", {}, [
        (SME, 7_501, 1_000, 1_500), (MIDSIZE, 1, 0, 0)]),
]
