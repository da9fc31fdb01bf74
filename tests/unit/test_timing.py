from bot.timing import latency


def test_latency_reports_percentiles_after_warm_up():
    calls = []
    result = latency(calls.append, list(range(10)), warmup=3)
    assert calls == [0, 1, 2, *range(10)]
    assert result["queries"] == 10
    assert 0 <= result["p50_ms"] <= result["p99_ms"]


def test_latency_of_nothing():
    assert latency(print, [])["queries"] == 0
