-- Each request files a different report: its own Idempotency-Key and its own narrative.
-- wrk ... -s report.lua URL -- RUN_ID PATH [references-file]
-- done() prints one line "WRK_JSON {...}" with the latency distribution, the errors and the 2xx/non-2xx
-- counts; with a references file, the reference of every report acknowledged with a 2xx is written there
-- (the benchmark then checks that each one is in the database).

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  run_id = args[1] or tostring(os.time())
  path = args[2] or "/api/v1/reports"
  references_file = args[3] or ""
  counter = 0
  ok = 0
  non2xx = 0
  statuses = {}
  references = {}
end

function request()
  counter = counter + 1
  local key = run_id .. "-" .. id .. "-" .. counter
  local body = '{"kind":"complaint","narrative":"Report ' .. key .. ': the officer at the corner of Harbour '
    .. 'Street and 3rd Avenue would not listen and told me to move on.","location_text":"Harbour Street and '
    .. '3rd Avenue","email":"resident-' .. key .. '@example.org","consent_to_contact":true,"language":"en"}'
  return wrk.format("POST", path, {["Content-Type"] = "application/json", ["Idempotency-Key"] = key}, body)
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok = ok + 1
    local reference = body and string.match(body, '"reference":%s*"([^"]+)"')
    if reference then
      references[#references + 1] = reference
    end
  else
    non2xx = non2xx + 1
    local key = tostring(status)
    statuses[key] = (statuses[key] or 0) + 1
  end
end

function done(summary, latency, requests)
  local total_ok, total_bad, by_status = 0, 0, {}
  local file_name = threads[1]:get("references_file")
  local out = (file_name and file_name ~= "") and io.open(file_name, "w") or nil
  for _, thread in ipairs(threads) do
    total_ok = total_ok + thread:get("ok")
    total_bad = total_bad + thread:get("non2xx")
    for status, count in pairs(thread:get("statuses")) do
      by_status[status] = (by_status[status] or 0) + count
    end
    if out then
      for _, reference in ipairs(thread:get("references")) do
        out:write(reference, "\n")
      end
    end
  end
  if out then
    out:close()
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
