// The seam for signing in through an OpenID Connect provider such as Pro Santé Connect (the French
// health professionals' identity, OIDC with an RPPS number as subject). Not built yet: a provider
// implements this interface, the API adds `GET /auth/oidc/:provider/start` (redirect to
// `authorizationUrl`) and `GET /auth/oidc/:provider/callback` (code → identity → local user via
// `UserStore.findByExternalId` → the same tokens as a password login). Roles and sites stay local:
// the provider proves who the person is, the ACD decides what they may do.
export type ExternalIdentity = {
  provider: string;
  /** The provider's stable subject (for Pro Santé Connect, derived from the RPPS/ADELI number). */
  subject: string;
  claims: Record<string, unknown>;
};

export interface OidcProvider {
  readonly id: string;
  /** Where to send the browser, with PKCE challenge, state and nonce bound to the session. */
  authorizationUrl(params: {
    state: string;
    nonce: string;
    codeChallenge: string;
    redirectUri: string;
  }): string;
  /** Exchanges the code, checks the ID token (issuer, audience, nonce, signature) and returns who it is. */
  exchangeCode(params: {
    code: string;
    codeVerifier: string;
    nonce: string;
    redirectUri: string;
  }): Promise<ExternalIdentity>;
}
