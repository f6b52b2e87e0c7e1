// The audit log that records nothing, apart from audit-log.ts so that a start that never gets
// to change anything does not load the real one (issue #9).
import type { AuditLog } from './audit-log.js';

/** Returns an audit log that records nothing (DRY_RUN, DESIGN §7.12). */
export function noopAuditLog(path: string): AuditLog {
  return {
    path,
    prepare: () => Promise.resolve(undefined),
    record: () => Promise.resolve(),
    setIdentity: () => undefined,
    head: () => undefined,
    flush: () => Promise.resolve(),
  };
}
