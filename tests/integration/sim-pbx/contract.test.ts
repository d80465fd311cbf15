// Contract: sim-pbx's own api-docs agree with Asterisk 22's on every operation it implements (path,
// method, nickname, parameters with type and paramType, error codes) and on every model and event it
// emits (property names and types). ari-client builds its methods from these documents.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_DOCS_DIR } from '../../../simulator/pbx/api-docs.js';

// Asterisk's api-docs, copied into the repository (data only) so the tests run from any clone; the
// reference copy beside the repository (../shared), when there is one, is checked too.
const ASTERISK_DIR = join(process.cwd(), 'tests', 'fixtures', 'asterisk-22', 'api-docs');
const SHARED_DIR = join(process.cwd(), '..', 'shared', 'asterisk-22', 'api-docs');

type Doc = {
  apis: { path: string; operations: Op[] }[];
  models?: Record<string, { properties?: Record<string, { type: string }>; subTypes?: string[] }>;
};
type Op = {
  httpMethod: string;
  nickname: string;
  responseClass?: string;
  parameters?: {
    name: string;
    dataType: string;
    paramType: string;
    required?: boolean;
    allowMultiple?: boolean;
  }[];
  errorResponses?: { code: number | string }[];
};

const read = (dir: string, file: string): Doc => JSON.parse(readFileSync(join(dir, file), 'utf8')) as Doc;

/** Every way `mine` differs from Asterisk's document for what `mine` declares. */
export function compareApiDoc(file: string, mine: Doc, theirs: Doc): string[] {
  const out: string[] = [];
  for (const api of mine.apis) {
    for (const op of api.operations) {
      const where = `${file} ${op.httpMethod} ${api.path}`;
      const real = theirs.apis
        .find((a) => a.path === api.path)
        ?.operations.find((o) => o.httpMethod === op.httpMethod);
      if (!real) {
        out.push(`${where}: no such operation in Asterisk 22`);
        continue;
      }
      if (real.nickname !== op.nickname) out.push(`${where}: nickname ${op.nickname} vs ${real.nickname}`);
      if (real.responseClass !== op.responseClass)
        out.push(`${where}: responseClass ${op.responseClass} vs ${real.responseClass}`);
      const params = (o: Op) =>
        (o.parameters ?? [])
          .map(
            (p) =>
              `${p.name}:${p.dataType}:${p.paramType}:${p.required ?? false}:${p.allowMultiple ?? false}`,
          )
          .sort();
      const mp = params(op);
      const rp = params(real);
      if (JSON.stringify(mp) !== JSON.stringify(rp))
        out.push(`${where}: parameters ${mp.join(',')} vs ${rp.join(',')}`);
      const codes = (o: Op) => (o.errorResponses ?? []).map((e) => Number(e.code)).sort((a, b) => a - b);
      if (JSON.stringify(codes(op)) !== JSON.stringify(codes(real))) {
        out.push(`${where}: error codes ${codes(op).join(',')} vs ${codes(real).join(',')}`);
      }
    }
  }
  for (const [name, model] of Object.entries(mine.models ?? {})) {
    const real = theirs.models?.[name];
    if (!real) {
      out.push(`${file} model ${name}: not in Asterisk 22`);
      continue;
    }
    const props = (m: typeof model) =>
      Object.entries(m.properties ?? {})
        .map(([k, v]) => `${k}:${v.type}`)
        .sort();
    if (JSON.stringify(props(model)) !== JSON.stringify(props(real))) {
      out.push(`${file} model ${name}: properties ${props(model).join(',')} vs ${props(real).join(',')}`);
    }
    for (const sub of model.subTypes ?? []) {
      if (!real.subTypes?.includes(sub)) out.push(`${file} model ${name}: subtype ${sub} not in Asterisk 22`);
    }
  }
  return out;
}

const files = readdirSync(API_DOCS_DIR).filter((f) => f.endsWith('.json') && f !== 'resources.json');

describe('sim-pbx api-docs against Asterisk 22', () => {
  it.each(files)('%s agrees on every operation and model it declares', (file) => {
    expect(compareApiDoc(file, read(API_DOCS_DIR, file), read(ASTERISK_DIR, file))).toEqual([]);
  });

  it('resources.json lists only documents Asterisk 22 also serves', () => {
    const mine = JSON.parse(readFileSync(join(API_DOCS_DIR, 'resources.json'), 'utf8')) as {
      apis: { path: string }[];
    };
    const theirs = JSON.parse(readFileSync(join(ASTERISK_DIR, 'resources.json'), 'utf8')) as {
      apis: { path: string }[];
    };
    for (const a of mine.apis) expect(theirs.apis.map((x) => x.path)).toContain(a.path);
    const served = mine.apis.map((a) => a.path.replace('/api-docs/', '').replace('.{format}', '.json'));
    expect(served.sort()).toEqual(files.sort());
  });

  it('declares a model for every event sim-pbx emits (ari-client needs one per event type)', () => {
    const events = read(API_DOCS_DIR, 'events.json').models ?? {};
    const emitted = [
      'StasisStart',
      'StasisEnd',
      'ChannelStateChange',
      'ChannelEnteredBridge',
      'ChannelLeftBridge',
      'ChannelHangupRequest',
      'ChannelDestroyed',
      'Dial',
      'ChannelVarset',
      'ChannelConnectedLine',
      'ChannelDialplan',
      'BridgeDestroyed',
      'PlaybackStarted',
      'PlaybackFinished',
      'RecordingStarted',
      'RecordingFinished',
      'ApplicationReplaced',
      'MissingParams',
    ];
    for (const e of emitted) expect(Object.keys(events)).toContain(e);
    expect(events.Event?.subTypes?.sort()).toEqual(emitted.filter((e) => e !== 'MissingParams').sort());
  });

  it('the comparison catches a divergence', () => {
    const mine = read(API_DOCS_DIR, 'bridges.json');
    const broken = structuredClone(mine);
    const addChannel = broken.apis.find((a) => a.path === '/bridges/{bridgeId}/addChannel')!.operations[0]!;
    addChannel.parameters![1]!.paramType = 'body';
    addChannel.errorResponses = addChannel.errorResponses!.slice(1);
    broken.models!.Bridge!.properties!.channels!.type = 'string';
    const found = compareApiDoc('bridges.json', broken, read(ASTERISK_DIR, 'bridges.json'));
    expect(found).toHaveLength(3);
    expect(found.join('\n')).toMatch(/parameters .*channel:string:body/);
  });
});

describe.skipIf(!existsSync(SHARED_DIR))(
  'sim-pbx api-docs against the reference copy in ../shared (skipped: no ../shared beside the repository)',
  () => {
    it.each(files)('%s agrees with ../shared', (file) => {
      expect(compareApiDoc(file, read(API_DOCS_DIR, file), read(SHARED_DIR, file))).toEqual([]);
    });
  },
);
