// The site's listen-in policy (docs/supervision.md): whether the agent's panel says that a
// supervisor listens to its call. Shown unless the site says otherwise (a local choice: the seeds
// say nothing on it; informing the staff that calls may be listened to is the site's business).
// The engine does not read it: only the views given to agents do (src/read-models/views.ts).
import { z } from 'zod';

export const listenInSchema = z.strictObject({
  /** The agent's panel shows who listens (listen, whisper, barge); false: discreet listening. */
  showToAgent: z.boolean().default(true),
});

export type ListenInConfig = z.infer<typeof listenInSchema>;

/** Whether agents are told of a listen-in on their call (absent: yes). */
export const showsListenInToAgent = (c: { listenIn?: ListenInConfig | undefined }): boolean =>
  c.listenIn?.showToAgent !== false;
