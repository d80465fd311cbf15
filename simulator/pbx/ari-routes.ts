// The ARI REST surface: routes, authentication, parameter merging and Asterisk's exact error bodies
// (404 "Resource not found" for an unknown path, 405 "Invalid method" for a known one).
import type { Request, Response } from 'express';
import { z } from 'zod';
import { serveApiDoc } from './api-docs.js';
import { AriError } from './ari-error.js';
import type { Pbx } from './pbx.js';
import { DEFAULT_SOUNDS } from './playbacks.js';
import { liveJson } from './recordings.js';

export interface Credentials {
  user: string;
  password: string;
}

type Params = Record<string, string | undefined>;
type Body = Record<string, unknown>;
interface Reply {
  status: number;
  body?: unknown;
  /** A file sent as it is (GET /recordings/stored/{name}/file). */
  file?: { data: Buffer; contentType: string };
}
type Handler = (pbx: Pbx, path: Params, q: Params, body: Body) => Reply | Promise<Reply>;

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: Handler;
}

const ok = (body: unknown): Reply => ({ status: 200, body });
const created = (body: unknown): Reply => ({ status: 201, body });
const none = (): Reply => ({ status: 204 });

const routes: Route[] = [];
function route(method: string, path: string, handler: Handler): void {
  const names: string[] = [];
  const source = path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  routes.push({ method, pattern: new RegExp(`^${source}$`), names, handler });
}

const bodyVariables = (b: Body): Record<string, string> | undefined => {
  const parsed = z.record(z.string(), z.unknown()).safeParse(b.variables);
  if (!parsed.success) return undefined;
  return Object.fromEntries(Object.entries(parsed.data).map(([k, v]) => [k, String(v)]));
};

const originateParams = (q: Params, b: Body, channelId?: string) => ({
  endpoint: q.endpoint,
  app: q.app,
  appArgs: q.appArgs,
  callerId: q.callerId,
  timeout: q.timeout,
  context: q.context,
  extension: q.extension,
  priority: q.priority,
  channelId: channelId ?? q.channelId,
  variables: bodyVariables(b),
});

// channels
route('GET', '/channels', (pbx) => ok(pbx.listChannels()));
route('POST', '/channels', (pbx, _p, q, b) => ok(pbx.originate(originateParams(q, b))));
route('POST', '/channels/create', (pbx, _p, q) => {
  // Only the allocation check of channels/create is simulated (see README).
  const endpoint = q.endpoint ?? '';
  if (!endpoint.includes('/')) throw AriError.message(400, 'Invalid endpoint specified');
  if (!pbx.endpoints.has(endpoint)) throw AriError.allocationFailed();
  throw AriError.message(
    501,
    'channels/create is outside the ARI subset sim-pbx serves (see simulator/pbx/README.md)',
  );
});
route('POST', '/channels/{channelId}', (pbx, p, q, b) =>
  ok(pbx.originate(originateParams(q, b, p.channelId))),
);
route('GET', '/channels/{channelId}', (pbx, p) => ok(pbx.getChannel(p.channelId!)));
route('DELETE', '/channels/{channelId}', (pbx, p, q) => {
  pbx.hangup(p.channelId!, q.reason, q.reason_code);
  return none();
});
route('POST', '/channels/{channelId}/continue', (pbx, p, q) => {
  pbx.continueInDialplan(p.channelId!, q.context, q.extension, q.priority);
  return none();
});
route('POST', '/channels/{channelId}/redirect', (pbx, p, q) => {
  pbx.redirect(p.channelId!, q.endpoint);
  return none();
});
route('POST', '/channels/{channelId}/answer', async (pbx, p) => {
  await pbx.answer(p.channelId!);
  return none();
});
route('POST', '/channels/{channelId}/ring', (pbx, p) => {
  pbx.ring(p.channelId!);
  return none();
});
route('DELETE', '/channels/{channelId}/ring', (pbx, p) => {
  pbx.ringStop(p.channelId!);
  return none();
});
route('POST', '/channels/{channelId}/dtmf', (pbx, p, q) => {
  pbx.sendDtmf(p.channelId!, q.dtmf);
  return none();
});
route('POST', '/channels/{channelId}/moh', (pbx, p, q) => {
  pbx.startChannelMoh(p.channelId!, q.mohClass);
  return none();
});
route('DELETE', '/channels/{channelId}/moh', (pbx, p) => {
  pbx.stopChannelMoh(p.channelId!);
  return none();
});
route('POST', '/channels/{channelId}/play', (pbx, p, q) =>
  created(pbx.playOnChannel(p.channelId!, q.media, q.lang, q.playbackId)),
);
route('POST', '/channels/{channelId}/play/{playbackId}', (pbx, p, q) =>
  created(pbx.playOnChannel(p.channelId!, q.media, q.lang, p.playbackId)),
);
route('GET', '/channels/{channelId}/variable', (pbx, p, q) => ok(pbx.getVariable(p.channelId!, q.variable)));
route('POST', '/channels/{channelId}/variable', (pbx, p, q) => {
  pbx.setVariable(p.channelId!, q.variable, q.value);
  return none();
});

const recordParams = (q: Params) => ({
  name: q.name,
  format: q.format,
  maxDurationSeconds: q.maxDurationSeconds,
  ifExists: q.ifExists,
});
route('POST', '/channels/{channelId}/record', (pbx, p, q) =>
  created(pbx.recordChannel(p.channelId!, recordParams(q))),
);
const snoopParams = (q: Params) => ({ app: q.app, appArgs: q.appArgs, spy: q.spy, whisper: q.whisper });
route('POST', '/channels/{channelId}/snoop', (pbx, p, q) =>
  ok(pbx.snoop(p.channelId!, { ...snoopParams(q), snoopId: q.snoopId })),
);
route('POST', '/channels/{channelId}/snoop/{snoopId}', (pbx, p, q) =>
  ok(pbx.snoop(p.channelId!, { ...snoopParams(q), snoopId: p.snoopId })),
);

// bridges
route('GET', '/bridges', (pbx) => ok(pbx.listBridges()));
route('POST', '/bridges', (pbx, _p, q) => ok(pbx.createBridge(q.type, q.name, q.bridgeId)));
route('POST', '/bridges/{bridgeId}', (pbx, p, q) => ok(pbx.createBridge(q.type, q.name, p.bridgeId)));
route('GET', '/bridges/{bridgeId}', (pbx, p) => ok(pbx.getBridge(p.bridgeId!)));
route('DELETE', '/bridges/{bridgeId}', (pbx, p) => {
  pbx.destroyBridge(p.bridgeId!);
  return none();
});
route('POST', '/bridges/{bridgeId}/addChannel', async (pbx, p, q) => {
  await pbx.addChannel(p.bridgeId!, q.channel);
  return none();
});
route('POST', '/bridges/{bridgeId}/removeChannel', (pbx, p, q) => {
  pbx.removeChannel(p.bridgeId!, q.channel);
  return none();
});
route('POST', '/bridges/{bridgeId}/moh', (pbx, p, q) => {
  pbx.startBridgeMoh(p.bridgeId!, q.mohClass);
  return none();
});
route('DELETE', '/bridges/{bridgeId}/moh', (pbx, p) => {
  pbx.stopBridgeMoh(p.bridgeId!);
  return none();
});
route('POST', '/bridges/{bridgeId}/play', (pbx, p, q) =>
  created(pbx.playOnBridge(p.bridgeId!, q.media, q.lang, q.playbackId)),
);
route('POST', '/bridges/{bridgeId}/play/{playbackId}', (pbx, p, q) =>
  created(pbx.playOnBridge(p.bridgeId!, q.media, q.lang, p.playbackId)),
);

route('POST', '/bridges/{bridgeId}/record', (pbx, p, q) =>
  created(pbx.recordBridge(p.bridgeId!, recordParams(q))),
);

// recordings
route('GET', '/recordings/stored', (pbx) => ok(pbx.recordings.listStored()));
route('GET', '/recordings/stored/{recordingName}', (pbx, p) =>
  ok(pbx.recordings.mustStored(p.recordingName!)),
);
route('GET', '/recordings/stored/{recordingName}/file', (pbx, p) => ({
  status: 200,
  file: pbx.recordings.storedFile(p.recordingName!),
}));
route('DELETE', '/recordings/stored/{recordingName}', (pbx, p) => {
  pbx.recordings.deleteStored(p.recordingName!);
  return none();
});
route('GET', '/recordings/live/{recordingName}', (pbx, p) =>
  ok(liveJson(pbx.recordings.must(p.recordingName!))),
);
route('DELETE', '/recordings/live/{recordingName}', (pbx, p) => {
  pbx.recordings.finish(pbx.recordings.must(p.recordingName!), 'canceled');
  return none();
});
route('POST', '/recordings/live/{recordingName}/stop', (pbx, p) => {
  pbx.recordings.finish(pbx.recordings.must(p.recordingName!), 'done');
  return none();
});

// playbacks
route('GET', '/playbacks/{playbackId}', (pbx, p) => ok(pbx.getPlayback(p.playbackId!)));
route('DELETE', '/playbacks/{playbackId}', (pbx, p) => {
  pbx.stopPlayback(p.playbackId!);
  return none();
});

// endpoints (those registered on the endpoint side)
const endpointJson = (pbx: Pbx, key: string) => {
  const slash = key.indexOf('/');
  const channelIds = [...pbx.channels.values()].filter((c) => c.endpoint === key).map((c) => c.id);
  return {
    technology: key.slice(0, slash),
    resource: key.slice(slash + 1),
    state: 'online',
    channel_ids: channelIds,
  };
};
route('GET', '/endpoints', (pbx) => ok([...pbx.endpoints.keys()].map((k) => endpointJson(pbx, k))));
route('GET', '/endpoints/{tech}', (pbx, p) => {
  const list = [...pbx.endpoints.keys()].filter((k) => k.startsWith(`${p.tech}/`));
  if (p.tech !== 'PJSIP' && list.length === 0)
    throw AriError.message(404, 'No Endpoints found - invalid tech');
  return ok(list.map((k) => endpointJson(pbx, k)));
});
route('GET', '/endpoints/{tech}/{resource}', (pbx, p) => {
  const key = `${p.tech}/${p.resource}`;
  if (!pbx.endpoints.has(key)) throw AriError.message(404, 'Endpoint not found');
  return ok(endpointJson(pbx, key));
});

// sounds (the media sim-pbx can play), device states and mailboxes (none)
const soundJson = (media: string) => ({
  id: media.slice('sound:'.length),
  text: '',
  formats: [{ language: 'en', format: 'wav' }],
});
const sounds = () => Object.keys(DEFAULT_SOUNDS).filter((m) => m.startsWith('sound:'));
route('GET', '/sounds', () => ok(sounds().map(soundJson)));
route('GET', '/sounds/{soundId}', (_pbx, p) => {
  const media = `sound:${p.soundId}`;
  if (!sounds().includes(media)) throw AriError.message(404, 'Sound not found');
  return ok(soundJson(media));
});
route('GET', '/deviceStates', () => ok([]));
route('GET', '/mailboxes', () => ok([]));

// applications, asterisk
route('GET', '/applications', (pbx) => ok(pbx.applications().map((name) => pbx.applicationJson(name))));
route('GET', '/applications/{applicationName}', (pbx, p) => {
  if (!pbx.applications().includes(p.applicationName!)) throw AriError.message(404, 'Application not found');
  return ok(pbx.applicationJson(p.applicationName!));
});
route('GET', '/asterisk/info', (pbx) => ok(pbx.asteriskInfo()));
route('GET', '/asterisk/ping', (pbx) => ok(pbx.ping()));

/** HTTP basic auth or `api_key=user:password`, as ARI accepts them. */
export function authorized(
  req: { headers: Record<string, unknown>; url?: string },
  creds: Credentials,
): boolean {
  const url = new URL(req.url ?? '/', 'http://x');
  const apiKey = url.searchParams.get('api_key');
  if (apiKey !== null) return apiKey === `${creds.user}:${creds.password}`;
  const header = req.headers.authorization;
  if (typeof header !== 'string' || !header.startsWith('Basic ')) return false;
  return Buffer.from(header.slice(6), 'base64').toString('utf8') === `${creds.user}:${creds.password}`;
}

function sendJson(res: Response, status: number, body?: unknown): void {
  if (status === 204 || body === undefined) {
    res.status(status).end();
    return;
  }
  res.status(status).type('application/json').send(JSON.stringify(body));
}

const queryStrings = z.record(z.string(), z.union([z.string(), z.array(z.string())]).optional());

export function ariHandler(pbx: Pbx, creds: Credentials) {
  return async (req: Request, res: Response): Promise<void> => {
    if (!authorized(req, creds)) {
      res.setHeader('WWW-Authenticate', 'Basic realm="Asterisk REST Interface"');
      sendJson(res, 401, { message: 'Authentication required' });
      return;
    }
    const path = req.path;
    if (path.startsWith('/api-docs/')) {
      serveApiDoc(req, res, path.slice('/api-docs/'.length));
      return;
    }
    const matching = routes
      .map((r) => ({ r, m: r.pattern.exec(path) }))
      .filter((x): x is { r: Route; m: RegExpExecArray } => x.m !== null);
    if (matching.length === 0) {
      sendJson(res, 404, { message: 'Resource not found' });
      return;
    }
    const hit = matching.find((x) => x.r.method === req.method);
    if (!hit) {
      sendJson(res, 405, { message: 'Invalid method' });
      return;
    }
    let body: Body = {};
    const raw = typeof req.body === 'string' ? req.body.trim() : '';
    if (raw !== '') {
      try {
        const parsed: unknown = JSON.parse(raw);
        body = z.record(z.string(), z.unknown()).parse(parsed);
      } catch {
        sendJson(res, 400, { message: 'Error parsing request body' });
        return;
      }
    }
    // Query parameters and JSON body fields are the same parameters to ARI.
    const q: Params = {};
    const query = queryStrings.safeParse(req.query);
    for (const [k, v] of Object.entries(query.success ? query.data : {}))
      q[k] = Array.isArray(v) ? v.join(',') : v;
    for (const [k, v] of Object.entries(body)) {
      if (k !== 'variables' && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) {
        q[k] = String(v);
      }
    }
    const pathParams: Params = {};
    hit.r.names.forEach((name, i) => (pathParams[name] = decodeURIComponent(hit.m[i + 1] ?? '')));
    try {
      const reply = await hit.r.handler(pbx, pathParams, q, body);
      if (reply.file) res.status(reply.status).type(reply.file.contentType).send(reply.file.data);
      else sendJson(res, reply.status, reply.body);
    } catch (err) {
      if (err instanceof AriError) sendJson(res, err.status, err.body);
      else sendJson(res, 500, { message: 'Internal Server Error' });
    }
  };
}
