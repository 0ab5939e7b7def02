-- wrk script: each thread takes the requests listed in $BENCH_REQUESTS in turn, one per line:
--   GET /teams/
--   POST /teams/<id>/messages/ body=Hallo&audience=team&csrf_token=...
-- A line's body is sent form-encoded; the -H headers (the session cookie) go with every request.
-- At the end it prints how many answers had each status ("Status 200: 1234"), so a redirect to the login page
-- cannot pass for a fast page.

local requests = {}
local position = 0
statuses = {}
local threads = {}

local function load()
  for line in io.lines(os.getenv("BENCH_REQUESTS")) do
    local method, path, body = line:match("^(%u+) (%S+) ?(.*)$")
    if method then
      local headers = {}
      for name, value in pairs(wrk.headers) do headers[name] = value end
      if method == "POST" then
        headers["Content-Type"] = "application/x-www-form-urlencoded"
      else
        body = nil
      end
      table.insert(requests, wrk.format(method, path, headers, body))
    end
  end
end

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  load()
  position = ((id or 1) * 7919) % #requests
end

function request()
  position = position % #requests + 1
  return requests[position]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + count
    end
  end
  for status, count in pairs(total) do
    io.write(string.format("Status %d: %d\n", status, count))
  end
end
