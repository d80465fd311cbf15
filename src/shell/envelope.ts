// What travels on a site's commands stream: the engine command, when telephony saw it, who asked
// (so the writer knows where to send the result).
import type { Command } from '../core/commands.js';
import { siteKeys } from '../store/keys.js';

export type EngineEnvelope = { type: 'engine'; id: string; from: string; command: Command; at?: number };

export function parseEnvelope(raw: unknown): EngineEnvelope {
  const e = raw as Partial<EngineEnvelope> | null;
  if (
    typeof e !== 'object' ||
    e === null ||
    e.type !== 'engine' ||
    typeof e.id !== 'string' ||
    typeof e.from !== 'string' ||
    typeof e.command !== 'object' ||
    e.command === null ||
    typeof (e.command as { type?: unknown }).type !== 'string' ||
    (e.at !== undefined && !Number.isFinite(e.at))
  ) {
    throw new Error('an engine command is {type: "engine", id, from, command: {type…}, at?}');
  }
  return e as EngineEnvelope;
}

/** Pub/sub channel where a writer publishes the results of one process's commands. */
export function replyChannel(site: string, instance: string): string {
  return `${siteKeys(site).commands}:replies:${instance}`;
}
