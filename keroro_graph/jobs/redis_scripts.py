"""The Lua scripts behind RedisStreamsBackend: every state change of a job is one
script, so Redis runs it atomically and no two workers can see a job half-moved.

Keys (``p`` is the backend's prefix): ``p:job:<id>`` a hash per job (record fields as
JSON, ``status`` plain, plus ``qmember``, ``entry`` and ``deliveries``); ``p:queue`` a
sorted set of queued jobs scored by number, members ``<seq:015d>:<id>`` so equal
numbers keep submission order; ``p:stream`` the delivery stream with consumer group
``ARGV group``; ``p:running`` (lease order) and ``p:done:<status>`` (finish order)
sorted sets; ``p:seq``, ``p:lease_seq``, ``p:finish_seq`` counters; ``p:dead`` the
dead-letter stream; ``p:wake`` the channel idle workers listen on. The scripts build
key names from the prefix, so they suit one Redis server (or a cluster when the
prefix is a hash tag such as ``{keroro}``). They know nothing of graphs or events.
"""
from __future__ import annotations

# ARGV: prefix, id, nonce, number, field/value pairs (JSON values). 1 queued, 0 duplicate.
SUBMIT = """
local p, id = ARGV[1], ARGV[2]
local key = p .. ':job:' .. id
if redis.call('EXISTS', key) == 1 then  -- 1 again if it is this very call, resent
  if redis.call('HGET', key, 'nonce') == ARGV[3] then return 1 end
  return 0
end
local seq = redis.call('INCR', p .. ':seq')
local member = string.format('%015d', seq) .. ':' .. id
redis.call('HSET', key, 'status', 'queued', 'qmember', member, 'nonce', ARGV[3], unpack(ARGV, 5))
redis.call('ZADD', p .. ':queue', ARGV[4], member)
redis.call('PUBLISH', p .. ':wake', id)
return 1
"""

# ARGV: prefix, group, consumer, worker (JSON), now (JSON), min idle ms, max deliveries,
# the poison failure's JSON before and after its message (rendered by JobFailure in
# Python), then the record fields to return. Returns {job id or '', queued jobs left,
# {dead-lettered ids}, {the leased job's status and record fields}}.
LEASE = """
local p, group, consumer = ARGV[1], ARGV[2], ARGV[3]
local stream = p .. ':stream'
local dead = {}

local function take(id, entry, deliveries)
  local seq = redis.call('INCR', p .. ':lease_seq')
  redis.call('HSET', p .. ':job:' .. id, 'status', 'running', 'worker_id', ARGV[4],
             'started_at', ARGV[5], 'entry', entry, 'deliveries', deliveries)
  redis.call('ZADD', p .. ':running', seq, id)
  local record = redis.call('HMGET', p .. ':job:' .. id, 'status', unpack(ARGV, 10))
  return {id, redis.call('ZCARD', p .. ':queue'), dead, record}
end

local function drop(entry)
  redis.call('XACK', stream, group, entry)
  redis.call('XDEL', stream, entry)
end

local function bury(id, entry, deliveries)
  local key = p .. ':job:' .. id
  local last = redis.call('HGET', key, 'worker_id') or 'null'
  local message = 'delivered ' .. deliveries .. ' times; each time its worker stopped ' ..
                  'before finishing it (last worker: ' .. last .. ')'
  local err = ARGV[8] .. cjson.encode(message) .. ARGV[9]
  drop(entry)
  redis.call('XADD', p .. ':dead', '*', 'job', id, 'deliveries', deliveries,
             'worker', last, 'error', err, 'at', ARGV[5])
  redis.call('HSET', key, 'status', 'error', 'finished_at', ARGV[5], 'error', err)
  redis.call('HDEL', key, 'entry')
  redis.call('ZREM', p .. ':running', id)
  redis.call('ZADD', p .. ':done:error', redis.call('INCR', p .. ':finish_seq'), id)
  table.insert(dead, id)
end

-- 1. a job whose worker stopped heartbeating for min idle ms: take it over
local cursor = '0-0'
repeat
  local r = redis.call('XAUTOCLAIM', stream, group, consumer, ARGV[6], cursor, 'COUNT', 1)
  cursor = r[1]
  local claimed = r[2][1]
  if claimed then
    local entry, id = claimed[1], claimed[2][2]
    local deliveries = redis.call('XPENDING', stream, group, entry, entry, 1)[1][4]
    if redis.call('HGET', p .. ':job:' .. id, 'status') ~= 'running' then
      drop(entry)
    elseif deliveries > tonumber(ARGV[7]) then
      bury(id, entry, deliveries)
    else
      return take(id, entry, deliveries)
    end
  end
until cursor == '0-0'

-- 2. the head of the queue, delivered through the stream to this consumer
local head = redis.call('ZRANGE', p .. ':queue', 0, 0)[1]
if not head then return {'', 0, dead, {}} end
redis.call('ZREM', p .. ':queue', head)
local id = string.sub(head, 17)
local added = redis.call('XADD', stream, '*', 'job', id)
while true do
  local got = redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', 1,
                         'STREAMS', stream, '>')
  local entry = got[1][2][1][1]
  if entry == added then return take(id, entry, 1) end
  drop(entry)  -- a stray entry nobody read (written by hand): never a job of ours
end
"""

# ARGV: prefix, id, group, consumer, worker (JSON). 1 kept, 0 not this worker's, -1 unknown.
HEARTBEAT = """
local p, id = ARGV[1], ARGV[2]
local key = p .. ':job:' .. id
local status = redis.call('HGET', key, 'status')
if not status then return -1 end
if status ~= 'running' or redis.call('HGET', key, 'worker_id') ~= ARGV[5] then return 0 end
local entry = redis.call('HGET', key, 'entry')
local kept = redis.call('XCLAIM', p .. ':stream', ARGV[3], ARGV[4], 0, entry, 'JUSTID')
if #kept == 0 then return 0 end
return 1
"""

# ARGV: prefix, id, group, status, finished_at, outputs, meta, messages, error (JSON).
FINISH = """
local p, id = ARGV[1], ARGV[2]
local key = p .. ':job:' .. id
local status = redis.call('HGET', key, 'status')
if not status then return -1 end
if status ~= 'running' then  -- 1 again if it is this very call, resent
  if status == ARGV[4] and redis.call('HGET', key, 'finished_at') == ARGV[5] then return 1 end
  return 0
end
local entry = redis.call('HGET', key, 'entry')
redis.call('HSET', key, 'status', ARGV[4], 'finished_at', ARGV[5], 'outputs', ARGV[6],
           'meta', ARGV[7], 'messages', ARGV[8], 'error', ARGV[9])
redis.call('HDEL', key, 'entry')
redis.call('XACK', p .. ':stream', ARGV[3], entry)
redis.call('XDEL', p .. ':stream', entry)
redis.call('ZREM', p .. ':running', id)
redis.call('ZADD', p .. ':done:' .. ARGV[4], redis.call('INCR', p .. ':finish_seq'), id)
return 1
"""

# ARGV: prefix, id, now (JSON). Returns the status after the call, or false.
CANCEL = """
local p, id = ARGV[1], ARGV[2]
local key = p .. ':job:' .. id
local status = redis.call('HGET', key, 'status')
if not status then return false end
if status ~= 'queued' then return status end
redis.call('ZREM', p .. ':queue', redis.call('HGET', key, 'qmember'))
redis.call('HSET', key, 'status', 'cancelled', 'finished_at', ARGV[3])
redis.call('ZADD', p .. ':done:cancelled', redis.call('INCR', p .. ':finish_seq'), id)
return 'cancelled'
"""

# ARGV: prefix, ids... Removes queued and finished jobs (never running ones).
DELETE = """
local p = ARGV[1]
local removed = 0
for i = 2, #ARGV do
  local id = ARGV[i]
  local key = p .. ':job:' .. id
  local status = redis.call('HGET', key, 'status')
  if status and status ~= 'running' then
    if status == 'queued' then
      redis.call('ZREM', p .. ':queue', redis.call('HGET', key, 'qmember'))
    else
      redis.call('ZREM', p .. ':done:' .. status, id)
    end
    redis.call('DEL', key)
    removed = removed + 1
  end
end
return removed
"""

# ARGV: prefix, group, consumer. Forgets a consumer that holds no job (on close).
RETIRE_CONSUMER = """
local stream = ARGV[1] .. ':stream'
local pending = redis.call('XPENDING', stream, ARGV[2], '-', '+', 1, ARGV[3])
if #pending == 0 then redis.call('XGROUP', 'DELCONSUMER', stream, ARGV[2], ARGV[3]) end
return #pending
"""
