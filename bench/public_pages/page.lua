-- GET one page again and again. wrk ... -s page.lua URL
-- done() prints one line "WRK_JSON {...}" with the latency distribution, the errors and the 2xx/non-2xx
-- counts (wrk itself counts only statuses above 399 as errors; a redirect is not a page).

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  ok = 0
  non2xx = 0
  statuses = {}
  wrk.headers["Accept-Language"] = "en"
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok = ok + 1
  else
    non2xx = non2xx + 1
    local key = tostring(status)
    statuses[key] = (statuses[key] or 0) + 1
  end
end

function done(summary, latency, requests)
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
