-- wrk script for frugal serve: POST /v1/qa with bodies from serve_bodies.lua (made by
-- serve_load.sh from SQuAD), a random one per request; an optional per-connection think time
-- (THINK_MS, in ms) to run below saturation; counts non-200 answers.
local bodies = dofile(os.getenv("BODIES"))
local think = tonumber(os.getenv("THINK_MS") or "0")
local counter = 0
local threads = {}

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

function init(args)
  math.randomseed(1000 + id)
  bad = 0
end

function request()
  local body = bodies[math.random(#bodies)]
  return wrk.format("POST", "/v1/qa", {["Content-Type"] = "application/json"}, body)
end

function delay()
  return think
end

function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end

function done(summary, latency, requests)
  local non200 = 0
  for _, t in ipairs(threads) do non200 = non200 + t:get("bad") end
  io.write(string.format('WRK_JSON {"requests": %d, "seconds": %.3f, "rps": %.2f, "p50_ms": %.2f, "p90_ms": %.2f, "p99_ms": %.2f, "mean_ms": %.2f, "errors": %d, "non200": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.mean / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, non200))
end
