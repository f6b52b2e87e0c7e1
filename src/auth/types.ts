import type { AuthType } from '../config/types.js';

/** Non-secret facts about who the pipe acts as, for logs and the audit trail. */
export interface IdentitySummary {
  authType: AuthType;
  clientId?: string;
  /** Non-secret claims of the step token: iss, aud, sub, repositoryUuid, … */
  claims?: Record<string, unknown>;
  /** When the step token (bitbucket-oidc/azure-oidc) expires, epoch ms. */
  subjectTokenExpiresAt?: number;
}

/** Supplies Databricks bearer tokens; one implementation per auth type. */
export interface TokenProvider {
  /**
   * Returns a valid access token, exchanging or refreshing as needed.
   * @throws PipeError ERR_TOKEN_EXCHANGE_REJECTED | ERR_TOKEN_EXCHANGE_FAILED | ERR_OIDC_TOKEN_EXPIRED
   */
  getToken(signal?: AbortSignal): Promise<string>;
  /** Forgets the cached token (after a 401) so the next getToken re-exchanges. */
  invalidate(): void;
  /** The latest moment a credential can still be obtained, epoch ms (undefined: unbounded). */
  credentialDeadline(): number | undefined;
  readonly identity: IdentitySummary;
}
