-- wrk script for bench/orders.py: POST /api/v1/cart/lines/ with a JSON body, one unit of a variant per request.
-- Counting and reporting are bench/report.lua's (loaded from the same folder): one BENCH_RESULT line at the end.
--
-- Arguments, after wrk's "--":  THREADS VARIANTS [SESSIONS_FILE]
--   THREADS        wrk's --threads (each thread takes its own share of the sessions)
--   VARIANTS       variant ids separated by commas
--   SESSIONS_FILE  one "name=value" session cookie per line (returning visitors). Without it no cookie is sent:
--                  every request is a new anonymous visitor, so the server makes a session, a cart and a line.
-- With sessions, thread t uses sessions t, t + THREADS, t + 2 * THREADS, ... round-robin, and each pass over its
-- sessions adds the next variant of the list: a line grows by one unit per pass, far from the 999-unit limit.

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "report.lua")

local report_setup, report_init = setup, init
local next_thread_id = 0

function setup(thread)
  report_setup(thread)
  thread:set("thread_id", next_thread_id)
  next_thread_id = next_thread_id + 1
end

local function body(variant)
  return string.format('{"variant": %s, "quantity": 1}', variant)
end

function init(args)
  report_init(args)
  local threads = tonumber(args[1])
  local variants = {}
  for id in string.gmatch(args[2], "%d+") do
    table.insert(variants, id)
  end
  local sessions = {}
  if args[3] then
    local n = 0
    for line in io.lines(args[3]) do
      if line ~= "" then
        if n % threads == thread_id then
          table.insert(sessions, line)
        end
        n = n + 1
      end
    end
  end
  requests = {}
  local json = {["Content-Type"] = "application/json", ["Accept"] = "application/json"}
  if #sessions == 0 then
    for _, variant in ipairs(variants) do
      table.insert(requests, wrk.format("POST", nil, json, body(variant)))
    end
  else
    for _, variant in ipairs(variants) do
      for _, cookie in ipairs(sessions) do
        local headers = {["Content-Type"] = "application/json", ["Accept"] = "application/json", ["Cookie"] = cookie}
        table.insert(requests, wrk.format("POST", nil, headers, body(variant)))
      end
    end
  end
  position = 0
end

function request()
  position = position % #requests + 1
  return requests[position]
end
