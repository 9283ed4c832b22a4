-- wrk prints p50/p75/p90/p99 only; this prints the percentiles the benchmark reports, in microseconds, on one line.
-- (No response() hook: it would cost wrk enough CPU to slow the server it shares the cores with. run.py checks
-- instead that the page answers 200, not a redirect to sign in, before and after each run.)
function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "BENCH requests=%d seconds=%.3f p50=%d p95=%d p99=%d status_errors=%d socket_errors=%d\n",
    summary.requests, summary.duration / 1e6,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    errors.status, errors.connect + errors.read + errors.write + errors.timeout
  ))
end
