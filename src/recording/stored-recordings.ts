// The PBX's stored recordings, read and deleted through ARI over plain HTTP (Asterisk ≥ 14:
// `GET /recordings/stored/{name}/file`, `DELETE /recordings/stored/{name}`). Through ARI rather
// than a shared disk: the ACD needs no mount of Asterisk's spool directory, and any process of the
// site (leader or standby) can serve a listen, since this needs no Stasis connection.
export type AriHttp = { url: string; user: string; password: string };

export type RecordingFile = { body: Buffer; contentType: string };

export class RecordingStoreError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Content types of the formats a site may record in (src/core/recording-config.ts). */
const CONTENT_TYPES: Record<string, string> = {
  wav: 'audio/wav',
  wav16: 'audio/wav',
  gsm: 'audio/x-gsm',
  ulaw: 'audio/basic',
  alaw: 'audio/x-alaw-basic',
};

export interface StoredRecordings {
  /** The file, or null when the PBX has no such recording. */
  file(name: string, format: string): Promise<RecordingFile | null>;
  /** False when it was already gone. */
  delete(name: string): Promise<boolean>;
}

export class AriStoredRecordings implements StoredRecordings {
  private readonly auth: string;

  constructor(
    private readonly ari: AriHttp,
    private readonly timeoutMs = 10_000,
  ) {
    this.auth = `Basic ${Buffer.from(`${ari.user}:${ari.password}`).toString('base64')}`;
  }

  private request(method: string, path: string): Promise<Response> {
    const base = this.ari.url.replace(/\/+$/, '').replace(/\/ari$/, '');
    return fetch(`${base}/ari${path}`, {
      method,
      headers: { authorization: this.auth },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
  }

  async file(name: string, format: string): Promise<RecordingFile | null> {
    const res = await this.request('GET', `/recordings/stored/${encodeURIComponent(name)}/file`);
    if (res.status === 404) return null;
    if (!res.ok)
      throw new RecordingStoreError(`PBX answered ${res.status} for the recording's file`, res.status);
    return {
      body: Buffer.from(await res.arrayBuffer()),
      contentType: CONTENT_TYPES[format] ?? 'application/octet-stream',
    };
  }

  async delete(name: string): Promise<boolean> {
    const res = await this.request('DELETE', `/recordings/stored/${encodeURIComponent(name)}`);
    await res.arrayBuffer().catch(() => undefined);
    if (res.status === 404) return false;
    if (!res.ok) throw new RecordingStoreError(`PBX answered ${res.status} to the deletion`, res.status);
    return true;
  }
}
