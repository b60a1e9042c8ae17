-- wrk script: prints one JSON line (prefixed "WRK_JSON ") with the counts and latency percentiles that the
-- benchmark and the load tests read. If WRK_PATHS names a file, requests cycle through its lines (one path each).
local paths = {}
local file_name = os.getenv("WRK_PATHS")
if file_name then
  for line in io.lines(file_name) do
    if line ~= "" then paths[#paths + 1] = line end
  end
end

local counter = 0
request = function()
  if #paths == 0 then return wrk.format() end
  counter = counter + 1
  return wrk.format(nil, paths[(counter % #paths) + 1])
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, latency.mean))
end
