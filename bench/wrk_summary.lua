-- Shared by the benchmarks' wrk scripts (loaded with dofile from the project folder, where bench/common.py runs
-- wrk): print one line "WRK_JSON {...}" with the latency distribution, the socket errors and the 2xx/non-2xx
-- counts that the scripts' threads kept in `ok`, `non2xx` and `statuses`.

function write_summary(summary, latency, threads)
  local total_ok, total_bad, by_status = 0, 0, {}
  for _, thread in ipairs(threads) do
    total_ok = total_ok + thread:get("ok")
    total_bad = total_bad + thread:get("non2xx")
    for status, count in pairs(thread:get("statuses")) do
      by_status[status] = (by_status[status] or 0) + count
    end
  end
  local status_json = {}
  for status, count in pairs(by_status) do
    status_json[#status_json + 1] = string.format('"%s":%d', status, count)
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,'
    .. '"max_ms":%.3f,"mean_ms":%.3f,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},'
    .. '"ok":%d,"non2xx":%d,"non2xx_by_status":{%s}}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50) / 1000,
    latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000, latency.mean / 1000,
    e.connect, e.read, e.write, e.status, e.timeout, total_ok, total_bad, table.concat(status_json, ",")))
end
