--[[
  Fenced append: adds a batch of events to the site's event stream, only if the caller's lease
  token is the current one, records which commands the events came from and, in the same atomic
  step, the effects each command decided (ring an agent, hang up…) in the effect outbox, so that
  effects are never lost between the append and their execution: the leader deletes an entry once
  it has carried its effects out, and a new leader finds whatever its predecessor had not
  (src/shell/effect-outbox.ts). A shell without an outbox passes '' as every group's effects.

  KEYS[1] lease hash        sas:{site}:lease
  KEYS[2] events stream     sas:{site}:events
  KEYS[3] processed zset    sas:{site}:processed (command id -> command time in ms)
  KEYS[4] effects hash      sas:{site}:effects (command id -> JSON of its pending effects)

  ARGV[1] token
  ARGV[2] retention of processed command ids, ms (older ids are forgotten)
  ARGV[3] number of groups, then per group:
          command id ('' for events that come from no command), command time ms,
          effects JSON ('' for none), event count,
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
  i = i + 4 + tonumber(ARGV[i + 3])
end

local ids = {}
i = 4
for _ = 1, groups do
  local commandId = ARGV[i]
  local commandMs = tonumber(ARGV[i + 1])
  local effects = ARGV[i + 2]
  local count = tonumber(ARGV[i + 3])
  for k = 1, count do
    if commandId ~= '' then
      ids[#ids + 1] = redis.call('XADD', KEYS[2], '*', 'event', ARGV[i + 3 + k], 'epoch', epoch, 'cmd', commandId)
    else
      ids[#ids + 1] = redis.call('XADD', KEYS[2], '*', 'event', ARGV[i + 3 + k], 'epoch', epoch)
    end
  end
  if commandId ~= '' then
    redis.call('ZADD', KEYS[3], commandMs, commandId)
    if not newestCommandMs or commandMs > newestCommandMs then newestCommandMs = commandMs end
    if effects ~= '' then redis.call('HSET', KEYS[4], commandId, effects) end
  end
  i = i + 4 + count
end

if newestCommandMs then
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. (newestCommandMs - tonumber(ARGV[2])))
end
return ids
