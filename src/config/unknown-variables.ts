import { VARIABLE_NAMES, isVariableName, type VariableName } from './schema.js';
import { closestMatch } from './suggest.js';

/** Warnings about names that are not pipe variables, and the likely typos among them. */
export interface UnknownVariables {
  warnings: string[];
  /** The pipe variable each likely typo was meant to be, keyed by that variable. */
  typos: Map<VariableName, string>;
}

const OWN_PREFIX = 'DATABRICKS_';
// Bitbucket's own variables and the pipe's never collide; checking them only adds noise.
const FOREIGN_PREFIX = 'BITBUCKET_';
// Outside DATABRICKS_*, the environment holds many unrelated names (more so on local runs),
// so only a single slip (ACTION_FILE, dry_run) counts as a typo there.
const MAX_EDITS_OUTSIDE_OWN_PREFIX = 1;

/**
 * Returns a warning for each set name that is not a pipe variable but looks meant as one:
 * every unknown `DATABRICKS_*` name (with a did-you-mean when one is close), and any other
 * name one edit away from a pipe variable.
 */
export function findUnknownVariables(names: Iterable<string>): UnknownVariables {
  const warnings: string[] = [];
  const typos = new Map<VariableName, string>();
  for (const name of names) {
    if (isVariableName(name) || name.startsWith(FOREIGN_PREFIX)) continue;
    const isOwnPrefix = name.toUpperCase().startsWith(OWN_PREFIX);
    const suggestion = isOwnPrefix
      ? closestMatch(name, VARIABLE_NAMES)
      : closestMatch(name, VARIABLE_NAMES, MAX_EDITS_OUTSIDE_OWN_PREFIX);
    if (suggestion !== undefined) {
      warnings.push(`${name} is not a variable of this pipe; did you mean ${suggestion}?`);
      if (!typos.has(suggestion)) typos.set(suggestion, name);
    } else if (isOwnPrefix) {
      warnings.push(`${name} is not a variable of this pipe and is ignored`);
    }
  }
  return { warnings, typos };
}
