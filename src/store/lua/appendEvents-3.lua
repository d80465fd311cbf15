--[[
  Fenced append: adds a batch of events to the site's event stream, only if the caller's lease
  token is the current one, and records which commands the events came from, in one atomic step.

  KEYS[1] lease hash        sas:{site}:lease
  KEYS[2] events stream     sas:{site}:events
  KEYS[3] processed zset    sas:{site}:processed (command id -> command time in ms)

  ARGV[1] token
  ARGV[2] retention of processed command ids, ms (older ids are forgotten)
  ARGV[3] number of groups, then per group:
          command id ('' for events that come from no command), command time ms, event count,
          then that many events as JSON text

  Returns the new stream ids, in order. Errors (nothing written):
    LEASELOST  the token is not current: the caller was deposed (or its lease expired)
    DUPLICATE  a command id of the batch is already recorded as processed

  Everything is checked before the first write: Redis does not roll a script back when it fails
  half-way, so a refused append must not have written anything.
]]
local token = redis.call('HGET', KEYS[1], 'token')
if token ~= ARGV[1] then
  return redis.error_reply('LEASELOST the lease token is not current')
end
local epoch = redis.call('HGET', KEYS[1], 'epoch')

local groups = tonumber(ARGV[3])
local i = 4
local newestCommandMs = nil
for _ = 1, groups do
  local commandId = ARGV[i]
  if commandId ~= '' and redis.call('ZSCORE', KEYS[3], commandId) then
    return redis.error_reply('DUPLICATE ' .. commandId)
  end
  i = i + 3 + tonumber(ARGV[i + 2])
end

local ids = {}
i = 4
for _ = 1, groups do
  local commandId = ARGV[i]
  local commandMs = tonumber(ARGV[i + 1])
  local count = tonumber(ARGV[i + 2])
  for k = 1, count do
    if commandId ~= '' then
      ids[#ids + 1] = redis.call('XADD', KEYS[2], '*', 'event', ARGV[i + 2 + k], 'epoch', epoch, 'cmd', commandId)
    else
      ids[#ids + 1] = redis.call('XADD', KEYS[2], '*', 'event', ARGV[i + 2 + k], 'epoch', epoch)
    end
  end
  if commandId ~= '' then
    redis.call('ZADD', KEYS[3], commandMs, commandId)
    if not newestCommandMs or commandMs > newestCommandMs then newestCommandMs = commandMs end
  end
  i = i + 3 + count
end

if newestCommandMs then
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. (newestCommandMs - tonumber(ARGV[2])))
end
return ids
