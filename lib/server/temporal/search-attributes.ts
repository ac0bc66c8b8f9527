/**
 * Hookflow's search attributes on a Temporal server: which are missing, and registering them through the
 * operator service. The embedded dev server gets them as start-up flags; any other server through
 * `npm run temporal:setup` (docs/temporal.md).
 */
import type { Connection } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import type { SearchAttributeType } from '@temporalio/common';
import { SEARCH_ATTRIBUTES } from '../../domain/flow/run';

const KEYS = Object.values(SEARCH_ATTRIBUTES);

/** As the Temporal CLI spells the types (`--search-attribute HookflowFlowId=Keyword`). */
const CLI_TYPE: Record<string, string> = { KEYWORD: 'Keyword', INT: 'Int', TEXT: 'Text', DOUBLE: 'Double', BOOL: 'Bool', DATETIME: 'Datetime', KEYWORD_LIST: 'KeywordList' };
const cliType = (type: SearchAttributeType) => CLI_TYPE[type] ?? type;

/** `temporal server start-dev` flags that register every attribute at start. */
export function devServerSearchAttributeArgs(): string[] {
  return KEYS.flatMap((key) => ['--search-attribute', `${key.name}=${cliType(key.type)}`]);
}

/** What to run where Hookflow cannot register them itself (Temporal Cloud: tcld or the Cloud UI). */
export function setupCommands(namespace: string): { cli: string; tcld: string } {
  return {
    cli: KEYS.map((key) => `temporal operator search-attribute create --namespace ${namespace} --name ${key.name} --type ${cliType(key.type)}`).join('\n'),
    tcld: `tcld namespace search-attributes add --namespace ${namespace} ${KEYS.map((key) => `--search-attribute "${key.name}=${cliType(key.type)}"`).join(' ')}`,
  };
}

type OperatorConnection = Pick<Connection, 'operatorService'>;

async function missingSearchAttributes(connection: OperatorConnection, namespace: string): Promise<string[]> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  return KEYS.filter((key) => !(key.name in (customAttributes ?? {}))).map((key) => key.name);
}

/** Registers the missing attributes; returns their names. Safe to run again. */
export async function registerSearchAttributes(connection: OperatorConnection, namespace: string): Promise<string[]> {
  const missing = await missingSearchAttributes(connection, namespace);
  if (missing.length === 0) return [];
  const searchAttributes = Object.fromEntries(KEYS.filter((key) => missing.includes(key.name)).map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type)!]));
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
  } catch (error) {
    // Another process registered them meanwhile (gRPC ALREADY_EXISTS).
    if ((error as { code?: number }).code !== 6) throw error;
  }
  return missing;
}

/**
 * At start-up (worker and web app): says, once, when the namespace lacks Hookflow's search attributes and
 * what adds them. Runs still start without them (unsearchable); nothing fails.
 */
export async function warnIfSearchAttributesMissing(connection: OperatorConnection, namespace: string, log: (line: string) => void): Promise<void> {
  try {
    const missing = await missingSearchAttributes(connection, namespace);
    if (missing.length === 0) return;
    log(`Temporal namespace "${namespace}" lacks Hookflow's search attributes (${missing.join(', ')}): runs cannot be found by flow, customer or event. Run \`npm run temporal:setup\` (on Temporal Cloud: ${setupCommands(namespace).tcld}).`);
  } catch (error) {
    log(`Could not check Hookflow's search attributes on Temporal: ${(error as Error).message}`);
  }
}
