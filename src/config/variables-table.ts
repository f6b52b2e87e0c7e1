import { BITBUCKET_VARIABLES, STEP_OIDC_TOKEN_VARIABLE } from './bitbucket-context.js';
import { REQUIRED_VARIABLES, VARIABLE_NAMES, variableSchema, type VariableName } from './schema.js';

/** The marker README puts after a required variable's name, as Atlassian's pipes do. */
export const REQUIRED_MARKER = '(*)';

/**
 * Returns README's Variables table (Markdown, Atlassian's `| Variable | Usage |` shape) and
 * the notes under it, generated from the variables schema: the text to paste under
 * `## Variables`, ending with a newline.
 */
export function renderVariablesTable(): string {
  const rows = VARIABLE_NAMES.map((name) => `| ${variableCell(name)} | ${usageCell(name)} |`);
  const bitbucketVariables = [...Object.values(BITBUCKET_VARIABLES), 'BITBUCKET_CLONE_DIR'].sort();
  return [
    '| Variable | Usage |',
    '| --- | --- |',
    ...rows,
    '',
    `_${REQUIRED_MARKER} = required variable._ Set exactly one of \`ACTIONS\` and \`ACTIONS_FILE\`. ` +
      'Booleans accept `true`/`false`, `yes`/`no` and `1`/`0`; an empty value counts as unset. ' +
      'Relative paths resolve against `BITBUCKET_CLONE_DIR`.',
    '',
    "The pipe also reads Bitbucket's default variables " +
      `(${bitbucketVariables.map((v) => `\`${v}\``).join(', ')}), the step's OIDC token ` +
      `\`${STEP_OIDC_TOKEN_VARIABLE}\` (present when the step has \`oidc: true\`), and honours ` +
      '`HTTPS_PROXY`, `NO_PROXY` and `NODE_EXTRA_CA_CERTS`.',
    '',
  ].join('\n');
}

function variableCell(name: VariableName): string {
  const isRequired = (REQUIRED_VARIABLES as readonly string[]).includes(name);
  return isRequired ? `${name} ${REQUIRED_MARKER}` : name;
}

function usageCell(name: VariableName): string {
  const schema = variableSchema(name);
  const defaultText = schema.default === undefined ? '' : ` Default: \`${schema.default}\`.`;
  return `${schema.description}${defaultText}`.replaceAll('|', '\\|');
}
