import { PipeError } from '../../errors.js';

/**
 * Unity Catalog privilege failures in words a user can act on: which grant is missing, on
 * which securable, and what the whole operation needs (DESIGN §3, docs "Upgrade ML workflows
 * to target models in Unity Catalog": USE CATALOG + USE SCHEMA, CREATE MODEL on the schema for
 * a new model, ownership or CREATE MODEL VERSION on the model, ownership or MANAGE for aliases).
 */

/** The Unity Catalog operations the registry actions perform. */
export type UcOperation = 'register' | 'set_alias' | 'read';

/** A missing privilege as Unity Catalog names it. */
export interface MissingGrant {
  privilege: string;
  /** `catalog`, `schema` or `model`. */
  securable: string;
  name: string;
}

// e.g. "PERMISSION_DENIED: User does not have CREATE MODEL VERSION on Routine or Model 'a.b.c'."
const DENIAL =
  /does not have ([A-Z][A-Z_ ]*?) (?:privilege )?on (Catalog|Schema|Routine or Model|Model|Function)\s+(?:'([^']+)'|(\S+?))\.?(?:\s|$)/i;

/** Returns the missing privilege a PERMISSION_DENIED message names, if it names one. */
export function parseMissingGrant(text: string): MissingGrant | undefined {
  const m = DENIAL.exec(text);
  const name = m?.[3] ?? m?.[4];
  if (!m?.[1] || !m[2] || !name) return undefined;
  const kind = m[2].toLowerCase();
  const securable = kind === 'catalog' || kind === 'schema' ? kind : 'model';
  return { privilege: m[1].trim().toUpperCase(), securable, name };
}

/** Returns every grant an operation on `fullName` needs, one line each. */
export function requiredGrants(operation: UcOperation, fullName: string): string[] {
  const [catalog = '', schema = ''] = fullName.split('.');
  const base = [`USE CATALOG on catalog ${catalog}`, `USE SCHEMA on schema ${catalog}.${schema}`];
  switch (operation) {
    case 'register':
      return [
        ...base,
        `CREATE MODEL on schema ${catalog}.${schema} (only while the model does not exist yet)`,
        `ownership of model ${fullName}, or CREATE MODEL VERSION on it`,
      ];
    case 'set_alias':
      return [...base, `ownership of model ${fullName}, or MANAGE on it`];
    case 'read':
      return [...base, `EXECUTE on model ${fullName} (or its ownership)`];
  }
}

function describeGrant(grant: MissingGrant): string {
  if (grant.privilege === 'CREATE MODEL VERSION' || grant.privilege === 'MANAGE') {
    return `${grant.privilege} on model ${grant.name} (or ownership of it)`;
  }
  return `${grant.privilege} on ${grant.securable} ${grant.name}`;
}

/**
 * Returns the ERR_PERMISSION_DENIED to report for a denial during a UC operation: it names the
 * missing grant when the message says which, and lists everything the operation needs.
 */
export function ucPermissionError(
  operation: UcOperation,
  fullName: string,
  denial: string,
  cause?: unknown,
): PipeError {
  const grant = parseMissingGrant(denial);
  const doing =
    operation === 'register'
      ? 'register a version of'
      : operation === 'set_alias'
        ? 'set an alias on'
        : 'read';
  const message = grant
    ? `the pipe's identity may not ${doing} ${fullName}: it lacks ${describeGrant(grant)}`
    : `the pipe's identity may not ${doing} ${fullName}: ${denial}`;
  return new PipeError('ERR_PERMISSION_DENIED', message, {
    hint: `grant the pipe's service principal ${grant ? describeGrant(grant) : 'the privileges listed above'} (GRANT … TO \`<application id>\` in SQL, or Catalog Explorer → Permissions)`,
    details: requiredGrants(operation, fullName).map((g) => `needs ${g}`),
    ...(cause === undefined ? {} : { cause }),
  });
}
