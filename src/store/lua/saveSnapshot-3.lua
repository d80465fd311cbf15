--[[
  Fenced snapshot: stores the writer's state with the id of the last event folded into it, then
  trims the event stream below `minId`, only if the caller's lease token is current (a deposed
  writer must not overwrite a newer snapshot with its stale state).

  KEYS[1] lease hash        sas:{site}:lease
  KEYS[2] snapshot hash     sas:{site}:snapshot
  KEYS[3] events stream     sas:{site}:events

  ARGV[1] token
  ARGV[2] lastId            id of the last event folded into the state ('0-0' when none)
  ARGV[3] state             encoded state
  ARGV[4] minId             trim entries with smaller ids ('' = do not trim); never above lastId

  Returns the number of entries trimmed. Errors: LEASELOST; STALE when lastId is older than the
  stored snapshot's (nothing written in both cases).
]]
local function parseId(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  return tonumber(ms), tonumber(seq)
end
local function older(a, b)
  local am, as = parseId(a)
  local bm, bs = parseId(b)
  return am < bm or (am == bm and as < bs)
end

if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then
  return redis.error_reply('LEASELOST the lease token is not current')
end
local stored = redis.call('HGET', KEYS[2], 'lastId')
if stored and older(ARGV[2], stored) then
  return redis.error_reply('STALE snapshot at ' .. ARGV[2] .. ' is older than the stored one at ' .. stored)
end
if ARGV[4] ~= '' and older(ARGV[2], ARGV[4]) then
  return redis.error_reply('BADTRIM minId ' .. ARGV[4] .. ' is above the snapshot at ' .. ARGV[2])
end

redis.call('HSET', KEYS[2], 'v', '1', 'lastId', ARGV[2], 'state', ARGV[3],
  'epoch', redis.call('HGET', KEYS[1], 'epoch'))
if ARGV[4] ~= '' then
  return redis.call('XTRIM', KEYS[3], 'MINID', ARGV[4])
end
return 0
