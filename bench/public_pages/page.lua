-- GET one page again and again. wrk ... -s page.lua URL [-- fresh]
-- done() prints one line "WRK_JSON {...}" with the latency distribution, the errors and the 2xx/non-2xx
-- counts (wrk itself counts only statuses above 399 as errors; a redirect is not a page).

dofile("bench/wrk_summary.lua")

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  ok = 0
  non2xx = 0
  statuses = {}
  wrk.headers["Accept-Language"] = "en"
  if args[1] == "fresh" then
    -- A session cookie, as a signed-in visitor sends: the page is rendered for this request, not taken
    -- from the public page cache.
    wrk.headers["Cookie"] = "sessionid=bench-no-such-session"
  end
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
  write_summary(summary, latency, threads)
end
