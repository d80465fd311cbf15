--[[
  Membership of the ACD processes sharing sites (src/store/fleet-membership.ts): a process renews
  its entry, or removes it when it leaves; entries not renewed in time are dropped. Redis's own
  clock decides expiry, so the processes' clocks do not need to agree.

  KEYS[1] members zset   sas:{fleet:<name>}:members (member: process id, score: expiry, ms)

  ARGV[1] process id
  ARGV[2] entry TTL, ms
  ARGV[3] 'join' (add or renew) or 'leave'

  Returns the live process ids, sorted.
]]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if ARGV[3] == 'leave' then
  redis.call('ZREM', KEYS[1], ARGV[1])
else
  redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
end
redis.call('PEXPIRE', KEYS[1], ttl * 10)
local members = redis.call('ZRANGE', KEYS[1], 0, -1)
table.sort(members)
return members
