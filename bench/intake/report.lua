-- Each request files a different report: its own Idempotency-Key and its own narrative.
-- wrk ... -s report.lua URL -- RUN_ID PATH [references-file]
-- done() prints one line "WRK_JSON {...}" with the latency distribution, the errors and the 2xx/non-2xx
-- counts; with a references file, the reference of every report acknowledged with a 2xx is written there
-- (the benchmark then checks that each one is in the database).

dofile("bench/wrk_summary.lua")

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
  local file_name = threads[1]:get("references_file")
  if file_name and file_name ~= "" then
    local out = io.open(file_name, "w")
    for _, thread in ipairs(threads) do
      for _, reference in ipairs(thread:get("references")) do
        out:write(reference, "\n")
      end
    end
    out:close()
  end
  write_summary(summary, latency, threads)
end
