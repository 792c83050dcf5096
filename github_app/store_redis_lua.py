"""The Lua scripts of the Redis Store: each read-then-write step runs as one atomic script."""

# Atomic, so webhook replicas and workers racing on one key stay consistent.
CLAIM_DELIVERY = """
local state = redis.call('GET', KEYS[1])
if state and state ~= ARGV[2] then return 0 end
redis.call('SET', KEYS[1], ARGV[3], 'EX', ARGV[1])
return 1
"""
# A PR's head as of `at`: older news never wins. Shared by SET_HEAD and ACCEPT.
_SET_HEAD_FUNCTION = """
local function set_head(key, at, sha, ttl)
  if tonumber(at) < tonumber(redis.call('HGET', key, 'at') or '-1') then return 0 end
  redis.call('HSET', key, 'at', at, 'sha', sha)
  redis.call('EXPIRE', key, ttl)
  return 1
end
"""
# KEYS: delivery, job, jobs, dead job, dead, then a head key per head;
# ARGV: ttl, failed, queued, data, now, job id, head ttl, then `at` and `sha` per head.
# Heads first, whatever the claim finds (a redelivery names the same head).
ACCEPT = _SET_HEAD_FUNCTION + """
for i = 6, #KEYS do
  set_head(KEYS[i], ARGV[8 + (i - 6) * 2], ARGV[9 + (i - 6) * 2], ARGV[7])
end
local state = redis.call('GET', KEYS[1])
if state and state ~= ARGV[2] then return 0 end
redis.call('SET', KEYS[1], ARGV[3], 'EX', ARGV[1])
redis.call('DEL', KEYS[2], KEYS[4])
redis.call('HSET', KEYS[2], 'data', ARGV[4], 'lease_until', 0, 'attempts', 0)
redis.call('ZADD', KEYS[3], ARGV[5], ARGV[6])
redis.call('ZREM', KEYS[5], ARGV[6])
return 1
"""
# KEYS: job, jobs, dead job, dead; ARGV: job id, reason, now
DEAD_LETTER = """
local data = redis.call('HGET', KEYS[1], 'data')
if not data then return 0 end
local attempts = redis.call('HGET', KEYS[1], 'attempts') or '0'
redis.call('DEL', KEYS[1], KEYS[3])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[3], 'data', data, 'attempts', attempts, 'reason', ARGV[2], 'at', ARGV[3])
redis.call('ZADD', KEYS[4], ARGV[3], ARGV[1])
return 1
"""
# KEYS: dead job, dead, job, jobs; ARGV: job id, now
REVIVE = """
local data = redis.call('HGET', KEYS[1], 'data')
if not data then return 0 end
redis.call('DEL', KEYS[1], KEYS[3])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[3], 'data', data, 'lease_until', 0, 'attempts', 0)
redis.call('ZADD', KEYS[4], ARGV[2], ARGV[1])
return 1
"""
CLAIM_JOB = """
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local lease = tonumber(redis.call('HGET', KEYS[1], 'lease_until') or '0')
if lease > tonumber(ARGV[1]) then return false end
redis.call('HSET', KEYS[1], 'owner', ARGV[2], 'lease_until', ARGV[3])
local attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
return {redis.call('HGET', KEYS[1], 'data'), attempts}
"""
RECLAIM_JOB = """
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('ZREM', KEYS[2], ARGV[3])
  return 0
end
local owner = redis.call('HGET', KEYS[1], 'owner')
local lease = tonumber(redis.call('HGET', KEYS[1], 'lease_until') or '0')
local queued = tonumber(redis.call('ZSCORE', KEYS[2], ARGV[3]) or '0')
if (owner and lease <= tonumber(ARGV[1])) or ((not owner) and queued <= tonumber(ARGV[2])) then
  redis.call('HDEL', KEYS[1], 'owner')
  redis.call('HSET', KEYS[1], 'lease_until', 0)
  redis.call('ZADD', KEYS[2], ARGV[1], ARGV[3])
  return 1
end
return 0
"""
SET_HEAD = _SET_HEAD_FUNCTION + "return set_head(KEYS[1], ARGV[1], ARGV[2], ARGV[3])\n"
RENEW_JOB = """
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'lease_until', ARGV[2])
return 1
"""
RELEASE_JOB = """
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
redis.call('HDEL', KEYS[1], 'owner')
redis.call('HSET', KEYS[1], 'lease_until', 0)
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""

RECORD_TICK = """
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old and cjson.decode(old)['at'] > ARGV[3] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 1
"""
