-- wrk script: POSTs GraphQL bodies, checks each answer for GraphQL errors, and at the end prints one JSON line
-- with the request/error counts and latency percentiles (µs) from wrk's own latency statistics.
--
-- Arguments (after `--`): the JSON body template, in which every `$ID` is replaced by `prefix .. random(0, n-1)`;
-- then prefix and n (n = 0: the template has no `$ID`). Each thread prepares 1,024 requests up front and cycles
-- through them, so the generator spends its CPU on HTTP, not on building strings. A template with `$SEQ` (events to
-- publish: each needs an id of its own) is built per request instead, `$SEQ` becoming a value unique to this run,
-- thread and request.

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

local requests = {}
local next_request = 1
graphql_errors = 0

local per_request = nil
local sequence = 0

function init(args)
  local template, prefix, n = args[1], args[2] or "", tonumber(args[3] or "0")
  math.randomseed(os.time() * 1000 + (id or 0))
  local count = n > 0 and 1024 or 1
  local headers = { ["Content-Type"] = "application/json" }
  if string.find(template, "$SEQ", 1, true) then
    local run = tostring(os.time()) .. "-" .. tostring(math.random(0, 999999)) .. "-" .. tostring(id or 0)
    per_request = function()
      sequence = sequence + 1
      local body = string.gsub(template, "%$SEQ", run .. "-" .. tostring(sequence))
      if n > 0 then body = string.gsub(body, "%$ID", prefix .. tostring(math.random(0, n - 1))) end
      return wrk.format("POST", nil, headers, body)
    end
    return
  end
  for i = 1, count do
    local body = template
    if n > 0 then
      body = string.gsub(template, "%$ID", prefix .. tostring(math.random(0, n - 1)))
    end
    requests[i] = wrk.format("POST", nil, headers, body)
  end
end

function request()
  if per_request then return per_request() end
  local r = requests[next_request]
  next_request = next_request % #requests + 1
  return r
end

function response(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true) then
    graphql_errors = graphql_errors + 1
  end
end

function done(summary, latency, requests)
  local errors = 0
  for _, t in ipairs(threads) do errors = errors + (t:get("graphql_errors") or 0) end
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,"status_errors":%d,"timeouts":%d,"graphql_errors":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d,"mean":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout, errors, latency:percentile(50),
    latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max, latency.mean))
end
