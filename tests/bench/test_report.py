"""bench/run.py's arithmetic: ratios per round to the page's own floor, medians with their spread, and SQL probes
that fail when their SQL time grows beyond the target. Pure functions: no server, no database."""

from bench import run


def rounds(*rps, cpu=1.0, p99=10.0):
    return [{"rps": r, "p50_ms": 1.0, "p99_ms": p99, "cpu_ms": cpu, "requests": int(r), "non_2xx": 0,
             "socket_errors": 0} for r in rps]


def row(name, who, floor=False, **measured):
    return {"name": name, "path": "/x/", "who": who, "floor": floor, "status": 200,
            "queries": {"compare": None, "main": None}, "rounds": rounds(*measured["rps"])}


def test_a_page_s_ratio_is_the_median_of_its_ratios_to_its_floor_in_the_same_round():
    floors = {"fixed floor": rounds(1000, 500, 1000), "signed-in layout floor": rounds(100, 50, 100)}
    public = row("home", "public", rps=[900, 450, 700])
    run.summarise(public, floors)
    assert public["ratio"] == 0.9 and public["ratio_spread"] == [0.7, 0.9]
    assert public["floor_name"] == "fixed floor" and public["rps"] == 700
    owner = row("my company", "owner", rps=[40, 20, 60])
    run.summarise(owner, floors)
    assert owner["floor_name"] == "signed-in layout floor" and owner["ratio"] == 0.4


def test_public_pages_need_0_8_of_the_fixed_floor_and_signed_in_pages_half_their_layout():
    floors = {"fixed floor": rounds(1000, 1000, 1000), "signed-in layout floor": rounds(100, 100, 100)}
    for who, rps, result in [("public", 790, "FAIL: floor_ratio"), ("public", 810, "pass"),
                             ("owner", 49, "FAIL: floor_ratio"), ("owner", 51, "pass")]:
        page = row("page", who, rps=[rps] * 3)
        run.summarise(page, floors)
        run.evaluate(page, compare=0)
        assert page["result"] == result, (who, rps)


def test_p99_is_a_target_of_the_public_and_company_pages_and_reported_for_the_admin_changelists():
    floors = {"fixed floor": rounds(1000, 1000, 1000), "signed-in layout floor": rounds(100, 100, 100)}
    for who, result in [("public", "FAIL: p99"), ("owner", "FAIL: p99"), ("staff", "pass")]:
        page = row("page", who, rps=[900] * 3)
        page["rounds"] = rounds(900, 900, 900, p99=130.0)
        run.summarise(page, floors)
        run.evaluate(page, compare=0)
        assert page["p99_ms"] == 130.0 and page["result"] == result, who


def probe(compare_ms, main_ms):
    result = {"name": "p", "main": {"status": 200, "sql_ms": main_ms, "path": "/", "wall_ms": 1, "queries": 1},
              "compare": {"status": 200, "sql_ms": compare_ms, "path": "/", "wall_ms": 1, "queries": 1}}
    run.evaluate_probe(result, compare=1000)
    return result["result"]


def test_a_probe_fails_when_its_sql_time_grows_beyond_1_5_times_or_50_ms():
    assert probe(10, 15) == "pass"
    assert probe(10, 16).startswith("FAIL: SQL grew")
    assert probe(40, 51).startswith("FAIL: SQL > 50 ms")
    assert probe(1.0, 2.9) == "pass"  # growth within the timer's noise is not counted


def test_the_probe_list_is_a_plain_table_of_name_path_and_visitor():
    assert all(len(entry) == 3 and entry[2] in ("public", "owner", "staff") for entry in run.PROBES)
    assert {"fixed floor", "layout floor", "signed-in layout floor"} == {name for name, _, _ in run.FLOORS}


def test_a_probe_keeps_its_least_time_over_the_rounds_and_any_error_status():
    best = {}
    for sql_ms, wall_ms, status in [(12.0, 30.0, 200), (9.5, 31.0, 200), (11.0, 29.0, 200)]:
        run.least(best, {"p": {"status": status, "sql_ms": sql_ms, "wall_ms": wall_ms, "path": "/", "queries": 4}})
    assert best["p"]["sql_ms"] == 9.5 and best["p"]["wall_ms"] == 29.0 and best["p"]["status"] == 200
    run.least(best, {"p": {"status": 500, "sql_ms": 1.0, "wall_ms": 2.0, "path": "/", "queries": 1}})
    assert best["p"]["status"] == 500  # a round that failed is not hidden by the others
