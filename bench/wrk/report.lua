-- report.lua — make wrk print one JSON line of results (requests/s, latency
-- percentiles in microseconds, errors), and optionally send a fixed request:
-- WRK_METHOD, WRK_BODY_FILE, WRK_HEADERS ("Name: value|Name: value").
local method = os.getenv("WRK_METHOD")
local body_file = os.getenv("WRK_BODY_FILE")
local headers = os.getenv("WRK_HEADERS")
-- WRK_BODY_TEMPLATE: a body whose "{n}" is replaced by a random integer in
-- [0, WRK_KEYS) for every request (random keys for GetItem/PutItem).
local template = os.getenv("WRK_BODY_TEMPLATE")
local keys = tonumber(os.getenv("WRK_KEYS") or "10000")

init = function(args)
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0) % 100000)
  if method then wrk.method = method end
  if body_file then
    local f = io.open(body_file, "rb")
    wrk.body = f:read("*a")
    f:close()
  end
  if headers then
    for h in string.gmatch(headers, "[^|]+") do
      local k, v = string.match(h, "^%s*([^:]+):%s*(.*)$")
      if k then wrk.headers[k] = v end
    end
  end
end

-- WRK_PATH_TEMPLATE: the same for the request path (GET /users/user-{n}).
local path_template = os.getenv("WRK_PATH_TEMPLATE")
if template or path_template then
  request = function()
    local n = tostring(math.random(0, keys - 1))
    local path = path_template and string.gsub(path_template, "{n}", n) or nil
    local body = template and string.gsub(template, "{n}", n) or nil
    return wrk.format(nil, path, nil, body)
  end
end

-- WRK_REQUESTS_FILE: raw requests separated by NUL bytes (e.g. pre-signed
-- with SigV4 by bench/lib/sigv4_presign.py), sent in random order.
local requests_file = os.getenv("WRK_REQUESTS_FILE")
if requests_file then
  local f = io.open(requests_file, "rb")
  local all = f:read("*a")
  f:close()
  local reqs = {}
  for r in string.gmatch(all, "[^%z]+") do reqs[#reqs + 1] = r end
  request = function() return reqs[math.random(1, #reqs)] end
end

local non2xx = 0
response = function(status, hdrs, body)
  if status >= 300 then non2xx = non2xx + 1 end
end

done = function(summary, latency, requests)
  local errs = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout + summary.errors.status
  io.write(string.format(
    'RESULT {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_us":%d,"p99_us":%d,"p999_us":%d,"max_us":%d,"errors":%d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max, errs))
end
