// Calls the dialplan fallback answered while the ACD was away (asterisk-config/extensions.conf,
// [sasacd-fallback]): the N1 group's phones rang without the ACD, so the ACD never saw the call.
// Once it learns of one (the PBX's record), it counts it as an arrival answered by the SAS, timed
// from its arrival to the phone's answer, and apart as a fallback call ("Appels pris en secours").
// Counted once: a call id already counted is a no-op, a call the ACD holds itself is refused.
import { periodAt } from '../calendar.js';
import { reject, type Ctx, type Rejection } from '../context.js';
import { currentMode } from './modes.js';
import { type Cmd } from './party.js';

/** A fallback call rings 25 s per round (extensions.conf): a day between arrival and answer is bad data. */
const MAX_WAIT_MS = 24 * 3600 * 1000;
/** Clock drift allowed between the PBX (which dates the record) and the ACD. */
const MAX_AHEAD_MS = 60_000;

type FallbackRecordIds = { callId: unknown; line: unknown; originSite?: string | undefined };

function badIds(cmd: FallbackRecordIds): Rejection | undefined {
  if (typeof cmd.callId !== 'string' || cmd.callId === '' || cmd.callId.length > 200)
    return reject('bad-call-id', 'a fallback call needs its id (the caller channel id, 1 to 200 characters)');
  if (typeof cmd.line !== 'string' || cmd.line === '' || cmd.line.length > 200)
    return reject('bad-command', 'line names the line the call came in on (1 to 200 characters)');
  return undefined;
}

function handledByAcd(callId: string): Rejection {
  return reject(
    'duplicate-call',
    `call ${callId} is handled by the ACD: counted there, not as a fallback call`,
  );
}

/** The record's line (the first one if unknown) and the SAS the call came from. */
function placeOf(ctx: Ctx, cmd: { line: string; originSite?: string | undefined }) {
  const config = ctx.data.config;
  const line = ctx.idx.lines.get(cmd.line) ?? config.lines[0]!;
  const originSite =
    cmd.originSite && (cmd.originSite === config.id || config.partners.some((p) => p.id === cmd.originSite))
      ? cmd.originSite
      : (line.originSite ?? config.id);
  return { line, originSite };
}

export function recordFallbackCall(ctx: Ctx, cmd: Cmd<'recordFallbackCall'>): Rejection | void {
  const bad = badIds(cmd);
  if (bad) return bad;
  const { arrivedAt, answeredAt } = cmd;
  if (!Number.isFinite(arrivedAt) || !Number.isFinite(answeredAt) || arrivedAt <= 0)
    return reject('bad-time', 'arrivedAt and answeredAt are epoch times in ms');
  if (answeredAt < arrivedAt || answeredAt - arrivedAt > MAX_WAIT_MS || answeredAt > ctx.now + MAX_AHEAD_MS)
    return reject(
      'bad-time',
      'the answer must follow the arrival by less than a day, and not be in the future',
    );
  if (
    cmd.phone !== undefined &&
    cmd.phone !== null &&
    (typeof cmd.phone !== 'string' || cmd.phone.length > 200)
  )
    return reject('bad-command', 'phone names the endpoint that answered (at most 200 characters)');
  // Idempotent: the same record read again (a crash before it was deleted) changes nothing.
  if (ctx.data.fallbackCalls?.[cmd.callId] !== undefined) return;
  if (ctx.data.calls[cmd.callId]) return handledByAcd(cmd.callId);
  const config = ctx.data.config;
  const { line, originSite } = placeOf(ctx, cmd);
  ctx.emit({
    type: 'FallbackCallCounted',
    at: ctx.now,
    callId: cmd.callId,
    line: cmd.line,
    department: line.department,
    originSite,
    mode: currentMode(ctx),
    period: periodAt(config.calendar, arrivedAt),
    arrivedAt,
    answeredAt,
    sinceArrivalMs: answeredAt - arrivedAt,
    phone: cmd.phone ?? null,
  });
}

/**
 * A caller who hung up while the dialplan waited for the ACD or rang the fallback group, before
 * any answer (asterisk-config [sasacd-fallback-abandoned]): an arrival and an abandon of the SAS,
 * counted apart as a fallback abandon. Same rules of once-only as an answered fallback call.
 */
/** The PBX's times of an arrival and its hang-up before any answer, checked. */
function badAbandonTimes(ctx: Ctx, arrivedAt: number, abandonedAt: number): Rejection | undefined {
  if (!Number.isFinite(arrivedAt) || !Number.isFinite(abandonedAt) || arrivedAt <= 0)
    return reject('bad-time', 'arrivedAt and abandonedAt are epoch times in ms');
  if (
    abandonedAt < arrivedAt ||
    abandonedAt - arrivedAt > MAX_WAIT_MS ||
    abandonedAt > ctx.now + MAX_AHEAD_MS
  )
    return reject(
      'bad-time',
      'the hang-up must follow the arrival by less than a day, and not be in the future',
    );
  return undefined;
}

/** The fields an abandon counted without the ACD holding the call shares (FallbackCallAbandoned). */
function abandonFields(
  ctx: Ctx,
  cmd: {
    callId: string;
    line: string;
    originSite?: string | undefined;
    arrivedAt: number;
    abandonedAt: number;
  },
  department?: string,
) {
  const config = ctx.data.config;
  const { line, originSite } = placeOf(ctx, cmd);
  return {
    at: ctx.now,
    callId: cmd.callId,
    line: cmd.line,
    department: department && config.departments.includes(department) ? department : line.department,
    originSite,
    mode: currentMode(ctx),
    period: periodAt(config.calendar, cmd.arrivedAt),
    arrivedAt: cmd.arrivedAt,
    abandonedAt: cmd.abandonedAt,
    sinceArrivalMs: cmd.abandonedAt - cmd.arrivedAt,
  };
}

export function recordFallbackAbandon(ctx: Ctx, cmd: Cmd<'recordFallbackAbandon'>): Rejection | void {
  const bad = badIds(cmd) ?? badAbandonTimes(ctx, cmd.arrivedAt, cmd.abandonedAt);
  if (bad) return bad;
  if (ctx.data.fallbackCalls?.[cmd.callId] !== undefined) return;
  if (ctx.data.calls[cmd.callId]) return handledByAcd(cmd.callId);
  ctx.emit({ type: 'FallbackCallAbandoned', ...abandonFields(ctx, cmd) });
}

/**
 * A caller who arrived and hung up while the only link that heard them no longer led the site
 * (its lease lapsed and another process took the lead before its socket was read: Asterisk gives
 * an application's events to one connection). No take-over can see a caller already gone, so the
 * old process sends the pair as this one command (src/app/site-pbx.ts): an arrival and an abandon
 * of the ACD (not of the fallback), dated by the PBX, decided at once without distributing it (as
 * an arrival then a hang-up would ring a free agent between). Once per call id; a call the engine
 * holds is the take-over's (it adopted the caller) and is left alone.
 */
export function recordMissedAbandon(ctx: Ctx, cmd: Cmd<'recordMissedAbandon'>): Rejection | void {
  const bad = badIds(cmd) ?? badAbandonTimes(ctx, cmd.arrivedAt, cmd.abandonedAt);
  if (bad) return bad;
  if (cmd.department !== undefined && typeof cmd.department !== 'string')
    return reject('bad-command', 'department names a department of the site');
  if (ctx.data.fallbackCalls?.[cmd.callId] !== undefined || ctx.data.calls[cmd.callId]) return;
  ctx.emit({ type: 'MissedCallAbandoned', ...abandonFields(ctx, cmd, cmd.department) });
}
