// Call recordings for the people who review calls (docs/recording.md): the site's latest
// recordings, a call's recordings, the audio itself, legal holds, and the audit log. Supervisors
// and the quality role only: a recording is the patient's voice and the medical conversation, so
// neither agents, the LRM's client nor the configuration admin may list or hear one. Every listen is written to the
// audit log (who, which call, when, from where) BEFORE the audio is sent: no line, no audio.
import { z } from 'zod';
import type { UserRole } from '../../auth/index.js';
import type { RecordingIndex } from '../../recording/recording-index.js';
import type { StoredRecordings } from '../../recording/stored-recordings.js';
import { siteOf } from '../access.js';
import type { ApiContext } from '../context.js';
import { callParams, plainText, siteParams } from '../params.js';
import { fr_en, notFound, Problem } from '../problem.js';
import { defineRoute } from '../route.js';

/** Who may list, hear and hold recordings. */
export const RECORDING_ROLES: readonly UserRole[] = ['supervisor', 'quality'];

/** The recordings of one site: where they are indexed and where the PBX keeps the files. */
export type SiteRecordings = { index: RecordingIndex; store: StoredRecordings };

const entrySchema = z.object({
  name: z.string(),
  callId: z.string(),
  callRef: z.string(),
  format: z.string(),
  durationSeconds: z.number().nullable(),
  at: z.number().describe('stored at, epoch ms'),
  held: z.boolean().describe('the call is under legal hold: never purged'),
});
const holdSchema = z.object({ callId: z.string(), by: z.string(), reason: z.string(), at: z.number() });
const auditSchema = z.object({
  id: z.string(),
  action: z.enum(['listen', 'hold', 'release', 'purge']),
  at: z.number(),
  user: z.string(),
  callId: z.string(),
  recording: z.string().nullable(),
  detail: z.string().describe('listen: the client address; hold: the reason; purge: the retention'),
});

const recordingParams = siteParams.extend({
  name: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'expected a recording name (letters, digits, ".", "_", "-")'),
});

const noRecordings = (siteId: string) =>
  new Problem(
    404,
    'recording-off',
    'Not found',
    fr_en(
      `Aucun enregistrement n'est tenu pour le site ${siteId} par ce serveur`,
      `no recordings are kept for site ${siteId} by this server`,
    ),
  );

const pbxUnavailable = (err: Error) =>
  new Problem(
    503,
    'recording-store-unavailable',
    'Service unavailable',
    fr_en(
      `Le stockage des enregistrements (PBX) ne répond pas : réessayez dans un instant`,
      `the recording store (PBX) is unavailable: ${err.message}`,
    ),
  );

export function recordingRoutes(ctx: ApiContext & { recordings: (siteId: string) => SiteRecordings | null }) {
  const of = (principal: Parameters<typeof siteOf>[1], siteId: string): SiteRecordings => {
    siteOf(ctx, principal, siteId);
    const r = ctx.recordings(siteId);
    if (!r) throw noRecordings(siteId);
    return r;
  };
  const withHolds = async (
    index: RecordingIndex,
    entries: Awaited<ReturnType<RecordingIndex['forCall']>>,
  ) => {
    const held = new Set((await index.holds()).map((h) => h.callId));
    return entries.map((e) => ({ ...e, held: held.has(e.callId) }));
  };

  return [
    defineRoute({
      id: 'listRecordings',
      method: 'get',
      path: '/sites/:siteId/recordings',
      tag: 'recordings',
      summary: "The site's latest recordings, newest first",
      access: RECORDING_ROLES,
      params: siteParams,
      query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
      problems: [404],
      response: { description: 'Recordings', schema: z.object({ recordings: z.array(entrySchema) }) },
      handler: async ({ principal, params, query }) => {
        const { index } = of(principal, params.siteId);
        return { recordings: await withHolds(index, await index.latest(query.limit)) };
      },
    }),
    defineRoute({
      id: 'callRecordings',
      method: 'get',
      path: '/sites/:siteId/calls/:callId/recordings',
      tag: 'recordings',
      summary: "A call's recordings and its legal hold",
      access: RECORDING_ROLES,
      params: callParams,
      problems: [404],
      response: {
        description: "The call's recordings (empty when none)",
        schema: z.object({
          callId: z.string(),
          hold: holdSchema.nullable(),
          recordings: z.array(entrySchema),
        }),
      },
      handler: async ({ principal, params }) => {
        const { index } = of(principal, params.siteId);
        const hold = await index.holdOf(params.callId);
        const recordings = (await index.forCall(params.callId)).map((e) => ({ ...e, held: hold !== null }));
        return { callId: params.callId, hold, recordings };
      },
    }),
    defineRoute({
      id: 'recordingAudio',
      method: 'get',
      path: '/sites/:siteId/recordings/:name/audio',
      tag: 'recordings',
      summary: 'Listen to a recording (audited)',
      description:
        'The audio file as the PBX stored it. The listen is written to the audit log (user, call, time, client address) before the file is sent; when the log cannot be written, nothing is sent.',
      access: RECORDING_ROLES,
      params: recordingParams,
      problems: [404, 503],
      file: { contentType: 'audio/*', binary: true, filename: ({ params }) => `${params.name}.wav` },
      response: { description: 'The audio file', schema: z.instanceof(Buffer) },
      handler: async ({ principal, params, req, res }) => {
        const { index, store } = of(principal, params.siteId);
        const entry = await index.get(params.name);
        if (!entry)
          throw notFound(
            'no-such-recording',
            `Aucun enregistrement ${params.name} sur le site ${params.siteId}`,
            `no recording ${params.name} on site ${params.siteId}`,
          );
        await index.audit({
          action: 'listen',
          at: ctx.clock(),
          user: principal.username,
          callId: entry.callId,
          recording: entry.name,
          detail: req.ip ?? '',
        });
        const file = await store.file(entry.name, entry.format).catch((err: Error) => {
          throw pbxUnavailable(err);
        });
        if (!file)
          throw notFound(
            'recording-file-gone',
            `Le fichier de l'enregistrement ${entry.name} n'est plus sur le PBX`,
            `the file of recording ${entry.name} is no longer on the PBX`,
          );
        res.locals.fileType = file.contentType;
        return file.body;
      },
    }),
    defineRoute({
      id: 'placeLegalHold',
      method: 'put',
      path: '/sites/:siteId/calls/:callId/legal-hold',
      tag: 'recordings',
      summary: "Keep a call's recordings past the retention (complaint, incident review)",
      access: RECORDING_ROLES,
      params: callParams,
      body: z.object({ reason: plainText(300).min(3, 'say why (at least 3 characters)') }),
      problems: [404],
      response: { description: 'The hold', schema: holdSchema },
      handler: async ({ principal, params, body }) => {
        const site = siteOf(ctx, principal, params.siteId);
        const { index } = of(principal, params.siteId);
        const live = site.state.data.calls[params.callId] !== undefined;
        if (!live && (await index.forCall(params.callId)).length === 0)
          throw notFound(
            'no-such-call-recording',
            `L'appel ${params.callId} n'est pas en cours et n'a aucun enregistrement`,
            `call ${params.callId} is not live and has no recording`,
          );
        const hold = { callId: params.callId, by: principal.username, reason: body.reason, at: ctx.clock() };
        await index.audit({
          action: 'hold',
          at: hold.at,
          user: hold.by,
          callId: hold.callId,
          recording: null,
          detail: hold.reason,
        });
        await index.hold(hold);
        return hold;
      },
    }),
    defineRoute({
      id: 'releaseLegalHold',
      method: 'delete',
      path: '/sites/:siteId/calls/:callId/legal-hold',
      tag: 'recordings',
      summary: 'Lift a legal hold: the retention applies again',
      access: RECORDING_ROLES,
      params: callParams,
      problems: [404],
      response: { description: 'The hold lifted', schema: holdSchema },
      handler: async ({ principal, params }) => {
        const { index } = of(principal, params.siteId);
        const hold = await index.holdOf(params.callId);
        if (!hold)
          throw notFound(
            'no-legal-hold',
            `L'appel ${params.callId} n'est pas sous conservation légale`,
            `call ${params.callId} is not under legal hold`,
          );
        await index.audit({
          action: 'release',
          at: ctx.clock(),
          user: principal.username,
          callId: params.callId,
          recording: null,
          detail: hold.reason,
        });
        await index.release(params.callId);
        return hold;
      },
    }),
    defineRoute({
      id: 'recordingAudit',
      method: 'get',
      path: '/sites/:siteId/recordings-audit',
      tag: 'recordings',
      summary: 'Who listened to, held or purged which recording, newest first',
      access: RECORDING_ROLES,
      params: siteParams,
      query: z.object({
        limit: z.coerce.number().int().min(1).max(1000).default(100),
        callId: z.string().min(1).max(200).optional().describe("one call's lines only"),
      }),
      problems: [404],
      response: { description: 'Audit lines', schema: z.object({ audit: z.array(auditSchema) }) },
      handler: async ({ principal, params, query }) => {
        const { index } = of(principal, params.siteId);
        return { audit: await index.auditLog(query.limit, query.callId) };
      },
    }),
  ];
}
