// Ids from outside name things kept in plain records (a site's calls, agents, callback tasks,
// alarms…): an id that names an Object.prototype member ("constructor", "__proto__", "toString"…)
// would find that member instead of nothing, and a handler would answer 500 or worse. Such a path
// parameter is refused as unknown, before any handler looks it up: 404 `unknown-<what>`, as for any
// id that names nothing (src/api/access.ts does the same for calls and agents; the engine for every
// command id: src/core/engine.ts).
import { notFound } from './problem.js';

/** Whether an id from outside names an Object.prototype member (and so never a real thing). */
export function isPrototypeName(id: unknown): id is string {
  return typeof id === 'string' && id in Object.prototype;
}

/** Throws 404 `unknown-<what>` for the first path parameter that names an Object.prototype member. */
export function refusePrototypeIds(params: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(params)) {
    if (!isPrototypeName(value)) continue;
    const what = name.replace(/Id$/, '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    throw notFound(`unknown-${what}`, `Identifiant inconnu : ${value} (${name})`, `no ${what} ${value}`);
  }
}
