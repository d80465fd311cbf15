--[[
  Extends the lease TTL, only for the current holder.

  KEYS[1] lease hash   sas:{site}:lease
  ARGV[1] token
  ARGV[2] ttl          milliseconds

  Returns 1 when renewed, 0 when the token is not current (expired, or taken by another writer).
]]
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then
  return 0
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
