--[[
  Where a command stands, by its id (after an `outcome-unknown` answer: src/shell/command-outcome.ts).
  One script, so the answer is consistent: a command cannot be decided and trimmed from the stream
  between the two looks.

  KEYS[1] processed zset   sas:{site}:processed
  KEYS[2] commands stream  sas:{site}:commands
  ARGV[1] command id

  Returns 'decided' (its id is in processed: applied or refused, once), 'not-yet' (still in the
  commands stream, waiting for a writer) or 'unknown' (never sent here, or older than processed
  remembers: 24 h).
]]
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  return 'decided'
end
local page = 500
local from = '-'
while true do
  local entries = redis.call('XRANGE', KEYS[2], from, '+', 'COUNT', page)
  for _, entry in ipairs(entries) do
    local fields = entry[2]
    for i = 1, #fields, 2 do
      if fields[i] == 'id' and fields[i + 1] == ARGV[1] then
        return 'not-yet'
      end
    end
  end
  if #entries < page then
    return 'unknown'
  end
  from = '(' .. entries[#entries][1]
end
