// A small driver for engine tests: a site built from a config, a clock, and helpers that execute
// commands and fail loudly on an unexpected rejection.
import { execute, nextWakeAt, type Accepted, type Result } from '../../../src/core/engine.js';
import { parseSiteConfig, type SiteConfig } from '../../../src/core/config.js';
import type { Command } from '../../../src/core/commands.js';
import type { Event } from '../../../src/core/events.js';
import { exampleSite } from '../../../src/core/example-site.js';
import { initialState, type State } from '../../../src/core/state.js';

/** Monday 2026-03-02 10:00 Paris (09:00 UTC): SAS hours. */
export const MONDAY_10H = Date.UTC(2026, 2, 2, 9, 0, 0);

export function exampleConfig(patch: (c: Record<string, unknown>) => void = () => {}): SiteConfig {
  const raw = structuredClone(exampleSite) as Record<string, unknown>;
  patch(raw);
  const parsed = parseSiteConfig(raw);
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return parsed.config;
}

export class TestSite {
  state: State;
  now: number;
  log: Event[] = [];

  constructor(config: SiteConfig = exampleConfig(), start = MONDAY_10H) {
    this.state = initialState(config);
    this.now = start;
    this.ok({ type: 'timerFired' });
  }

  /** Executes a command; auto-answer phones pick up at once, as telephony would report. */
  try(cmd: Command): Result {
    const r = execute(this.state, cmd, this.now);
    if (!r.ok) return r;
    this.log.push(...r.events);
    for (const e of [...r.events]) {
      if (e.type !== 'CallOffered' || !e.autoAnswer) continue;
      if (this.state.data.calls[e.callId]?.pending?.offer?.agentId !== e.agentId) continue;
      const answered = this.try({ type: 'answerOffer', callId: e.callId, agentId: e.agentId });
      if (answered.ok) {
        r.events.push(...answered.events);
        r.effects.push(...answered.effects);
      }
    }
    return r;
  }

  ok(cmd: Command): Accepted {
    const r = this.try(cmd);
    if (!r.ok) throw new Error(`${cmd.type} rejected: ${r.reason} (${r.message})`);
    return r;
  }

  /** Moves the clock, firing every deadline on the way. */
  advance(seconds: number): Event[] {
    const target = this.now + seconds * 1000;
    const events: Event[] = [];
    for (;;) {
      const wake = nextWakeAt(this.state);
      if (wake === undefined || wake > target) break;
      this.now = Math.max(this.now, wake);
      events.push(...this.ok({ type: 'timerFired' }).events);
    }
    this.now = target;
    return events;
  }

  login(...agentIds: string[]): void {
    for (const agentId of agentIds) this.ok({ type: 'agentLogin', agentId });
  }

  call(callId: string, line = '15', extra: Partial<Extract<Command, { type: 'arriveCall' }>> = {}): Accepted {
    return this.ok({ type: 'arriveCall', callId, line, callerNumber: '0611223344', ...extra });
  }

  agent(id: string) {
    return this.state.data.agents[id]!;
  }

  callState(id: string) {
    return this.state.data.calls[id];
  }

  events<T extends Event['type']>(type: T): Extract<Event, { type: T }>[] {
    return this.log.filter((e): e is Extract<Event, { type: T }> => e.type === type);
  }
}
