--[[
  Gives the lease up (clean shutdown), so a standby need not wait for the TTL.

  KEYS[1] lease hash   sas:{site}:lease
  ARGV[1] token

  Returns 1 when released, 0 when the caller was not the holder (nothing is touched then).
]]
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[1])
return 1
