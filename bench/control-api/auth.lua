-- wrk script: every request carries the bearer token from the environment (BENCH_TOKEN), not from a command line
-- that other users could read in the process list.
local token = os.getenv("BENCH_TOKEN")
if token == nil or token == "" then
  error("BENCH_TOKEN is not set")
end
wrk.headers["Authorization"] = "Bearer " .. token

-- BENCH_SPREAD_STEPS=N: every request asks for its own fromStep, drawn from 0..N-1, so that the answers cannot come
-- from the control-api's cache of recent reads (the uncached read path).
local spread = tonumber(os.getenv("BENCH_SPREAD_STEPS") or "")
if spread ~= nil then
  function init(args)
    math.randomseed(os.time() + math.floor(os.clock() * 1000000))
  end

  function request()
    return wrk.format(nil, wrk.path .. "&fromStep=" .. math.random(0, spread - 1))
  end
end

-- wrk's latency figures include refused requests; print the count of non-2xx/3xx answers so that a 401 or a 404
-- never passes for a fast answer (run.sh fails on any).
function done(summary, latency, requests)
  io.write(string.format("non_2xx=%d\n", summary.errors.status))
end
