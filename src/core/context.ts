// The context a command is handled in: the state, the time, and the events and effects produced
// so far. Each event is applied (evolve) as soon as it is emitted, so later decisions in the same
// command see its result.
import type { Effect } from './effects.js';
import type { Event } from './events.js';
import { evolve } from './evolve.js';
import type { RejectionReason } from './rejections.js';
import type { State } from './state.js';

export type Rejection = { ok: false; reason: RejectionReason; message: string };

export class Ctx {
  readonly events: Event[] = [];
  readonly effects: Effect[] = [];

  constructor(
    readonly state: State,
    readonly now: number,
  ) {}

  get data() {
    return this.state.data;
  }

  get idx() {
    return this.state.idx;
  }

  emit(e: Event): void {
    this.events.push(e);
    evolve(this.state, e);
  }

  effect(f: Effect): void {
    this.effects.push(f);
  }
}

export function reject(reason: RejectionReason, message: string): Rejection {
  return { ok: false, reason, message };
}
