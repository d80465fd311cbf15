// An ARI failure with the exact status and body Asterisk 22 answers (see traces/errors.json): most
// bodies are {"message": ...}, but channel allocation failures are {"error": "Allocation failed"}.

export class AriError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, string>,
  ) {
    super(body.message ?? body.error ?? `HTTP ${status}`);
  }

  static message(status: number, message: string): AriError {
    return new AriError(status, { message });
  }

  static allocationFailed(): AriError {
    return new AriError(500, { error: 'Allocation failed' });
  }

  static channelNotFound(status = 404): AriError {
    return AriError.message(status, 'Channel not found');
  }

  static bridgeNotFound(): AriError {
    return AriError.message(404, 'Bridge not found');
  }

  static notInStasis(status: number): AriError {
    return AriError.message(status, 'Channel not in Stasis application');
  }
}
