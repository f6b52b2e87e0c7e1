/**
 * AUDIT_FILE: append-only, hash-chained JSON Lines. Each state-changing call becomes one line,
 * appended as it happens (never rewritten), chained onto the file's existing last line so the
 * file grows across invocations. Appends are serialised, so parallel actions cannot interleave
 * lines or fork the chain. Cross-process appends are not locked: one pipe per file at a time.
 */
import type { Clock } from '../clock.js';
import type { IdentitySummary } from '../auth/types.js';
import { PipeError } from '../errors.js';
import { redactor as defaultRedactor, type Redactor } from '../log/redactor.js';
// fs.promises is read when used: loading it costs ~2.5 ms at start, which a run that stops at
// invalid variables does without (issue #9).
import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import { describeFsError } from './atomic-write.js';
import { readChainTail, sha256Hex, type ChainTail } from './audit-chain.js';
import { buildAuditRecord, type AuditContext } from './audit-record.js';
import { noopAuditLog } from './noop-audit-log.js';
import type { AuditEvent, AuditSink } from './types.js';

export type { AuditContext } from './audit-record.js';

/** The chain's last line: the anchor results.json and Code Insights carry. */
export interface AuditHead {
  file: string;
  seq: number;
  sha256: string;
  /** Records this invocation appended. */
  appended: number;
}

export interface AuditLog extends AuditSink {
  readonly path: string;
  /**
   * Creates the file if needed and reads the chain tail, so an unusable AUDIT_FILE is found
   * before anything changes. Returns the current head (undefined for the no-op log).
   * @throws PipeError ERR_CONFIG_INVALID when the file cannot be opened for appending
   */
  prepare(): Promise<AuditHead | undefined>;
  /**
   * Appends one record for `event` (redacted) and resolves once it is on disk.
   * @throws PipeError ERR_INTERNAL when the append fails (the change is then unrecorded)
   */
  record(event: AuditEvent): Promise<void>;
  setIdentity(identity: IdentitySummary): void;
  /** The last line's seq and hash (undefined before `prepare`, and for the no-op log). */
  head(): AuditHead | undefined;
  /** Resolves when every pending append has settled. */
  flush(): Promise<void>;
}

export interface AuditLogOptions {
  clock: Clock;
  redactor?: Redactor;
}

export { noopAuditLog };

/** Returns the audit log for `path` (absolute); with `context.dryRun`, a log that writes nothing. */
export function createAuditLog(
  path: string,
  context: AuditContext,
  options: AuditLogOptions,
): AuditLog {
  return context.dryRun ? noopAuditLog(path) : new ChainedAuditLog(path, { ...context }, options);
}

class ChainedAuditLog implements AuditLog {
  private tail: ChainTail | undefined;
  private appended = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly redactor: Redactor;

  constructor(
    readonly path: string,
    private readonly context: AuditContext,
    private readonly options: AuditLogOptions,
  ) {
    this.redactor = options.redactor ?? defaultRedactor;
  }

  async prepare(): Promise<AuditHead> {
    try {
      await fs.mkdir(dirname(this.path), { recursive: true });
      await (await fs.open(this.path, 'a')).close();
      this.tail = await readChainTail(this.path);
    } catch (error) {
      throw new PipeError(
        'ERR_CONFIG_INVALID',
        `AUDIT_FILE ${this.path} is not usable: ${describeFsError(error)}`,
        {
          hint: 'set AUDIT_FILE to a writable path under the clone dir',
          cause: error,
        },
      );
    }
    return this.headOf(this.tail);
  }

  record(event: AuditEvent): Promise<void> {
    const time = this.options.clock.now();
    const next = this.queue.then(() => this.append(event, time));
    // The queue continues after a failed append; the failure goes to this caller only.
    this.queue = next.catch(() => undefined);
    return next;
  }

  setIdentity(identity: IdentitySummary): void {
    this.context.identity = identity;
  }

  head(): AuditHead | undefined {
    return this.tail ? this.headOf(this.tail) : undefined;
  }

  async flush(): Promise<void> {
    await this.queue;
  }

  private async append(event: AuditEvent, time: number): Promise<void> {
    try {
      this.tail ??= await readChainTail(this.path);
      const tail = this.tail;
      const record = this.redactor.redactDeep(
        buildAuditRecord(event, this.context, { seq: tail.seq + 1, time, prevSha256: tail.sha256 }),
      );
      // The chain fields are set after redaction: masking must never touch a hash.
      record.seq = tail.seq + 1;
      record.prev_sha256 = tail.sha256;
      const line = JSON.stringify(record);
      await appendDurably(this.path, `${tail.needsNewline ? '\n' : ''}${line}\n`);
      this.tail = { seq: record.seq, sha256: sha256Hex(line), needsNewline: false };
      this.appended += 1;
    } catch (error) {
      // The file may now end in a partial line: re-read the tail before the next append.
      this.tail = undefined;
      throw new PipeError(
        'ERR_INTERNAL',
        `cannot append to audit file ${this.path}: ${describeFsError(error)}`,
        {
          hint: `the ${event.operation} call on ${event.target} was made but is not in the audit trail`,
          cause: error,
        },
      );
    }
  }

  private headOf(tail: ChainTail): AuditHead {
    return { file: this.path, seq: tail.seq, sha256: tail.sha256, appended: this.appended };
  }
}

/** Appends with O_APPEND in one write and flushes, so a crash cannot lose an acknowledged record. */
async function appendDurably(path: string, text: string): Promise<void> {
  const handle = await fs.open(path, 'a', 0o644);
  try {
    await handle.write(text);
    await handle.datasync();
  } finally {
    await handle.close();
  }
}
