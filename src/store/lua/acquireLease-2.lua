--[[
  Acquires a site's writer lease if nobody holds it, and bumps the fencing epoch.

  KEYS[1] lease hash   sas:{site}:lease
  KEYS[2] epoch        sas:{site}:epoch (never expires, so epochs only grow)

  ARGV[1] token        random, secret to the holder
  ARGV[2] ttl          milliseconds
  ARGV[3] holder       a readable name (host:pid), for diagnostics only

  Returns {1, epoch} when the caller now holds the lease (a holder that calls again with its own
  token keeps its epoch and gets a fresh TTL), or {0, pttl} with the current holder's remaining ms.
]]
local current = redis.call('HGET', KEYS[1], 'token')
if current == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {1, tonumber(redis.call('HGET', KEYS[1], 'epoch'))}
end
if current then
  return {0, redis.call('PTTL', KEYS[1])}
end
local epoch = redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[1], 'token', ARGV[1], 'epoch', epoch, 'holder', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {1, epoch}
