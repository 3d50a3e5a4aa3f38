-- wrk script of tools/bench: POSTs one JSON body with a bearer key, and
-- counts what is not a good answer.
--
--   wrk -t T -c C -d D --latency -s wrk_post.lua URL -- BODY_FILE KEY_FILE [EXPECT...]
--
-- Every answer is checked: a status outside 2xx, or a 2xx body lacking one
-- of the EXPECT texts (plain substrings, e.g. '"exit_code":0'), is counted
-- as an error, so that a server answering errors fast is not counted as
-- fast. At the end one line goes to stdout:
--   bench-wrk: {"requests":N,"good":N,"non_2xx":N,"bad_body":N,...}
-- with wrk's socket errors and the latency percentiles in microseconds.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local function read_file(path)
  local file = assert(io.open(path, "rb"), "cannot read " .. tostring(path))
  local text = file:read("*a")
  file:close()
  return text
end

function init(args)
  local body = read_file(args[1])
  local key = read_file(args[2]):gsub("%s+$", "")
  expect = {}
  for i = 3, #args do
    expect[#expect + 1] = args[i]
  end
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. key,
  }
  prepared = wrk.format("POST", nil, headers, body)
  non_2xx = 0
  bad_body = 0
  answers = 0
end

function request()
  return prepared
end

function response(status, headers, body)
  answers = answers + 1
  if status < 200 or status > 299 then
    non_2xx = non_2xx + 1
    return
  end
  for _, text in ipairs(expect) do
    if not string.find(body or "", text, 1, true) then
      bad_body = bad_body + 1
      return
    end
  end
end

function done(summary, latency, requests)
  local total_non_2xx, total_bad, total_answers = 0, 0, 0
  for _, thread in ipairs(threads) do
    total_non_2xx = total_non_2xx + thread:get("non_2xx")
    total_bad = total_bad + thread:get("bad_body")
    total_answers = total_answers + thread:get("answers")
  end
  local e = summary.errors
  io.write(string.format(
    'bench-wrk: {"requests":%d,"answers":%d,"good":%d,"non_2xx":%d,"bad_body":%d,' ..
    '"duration_us":%d,"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d,"status":%d},' ..
    '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"min":%d,"max":%d,"mean":%.1f}}\n',
    summary.requests, total_answers, total_answers - total_non_2xx - total_bad, total_non_2xx,
    total_bad, summary.duration, e.connect, e.read, e.write, e.timeout, e.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.min,
    latency.max, latency.mean))
end
