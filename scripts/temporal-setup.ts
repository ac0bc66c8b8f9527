/**
 * `npm run temporal:setup`: prepares a Temporal namespace for Hookflow — registers Hookflow's search
 * attributes through the operator service. Connects like the worker does (TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, TLS and API keys through @temporalio/envconfig). Safe to run again.
 */
import { Connection } from '@temporalio/client';
import { temporalConnectConfig } from '../lib/server/temporal/connection';
import { registerSearchAttributes, setupCommands } from '../lib/server/temporal/search-attributes';

async function main(): Promise<number> {
  const { connectionOptions, namespace } = temporalConnectConfig();
  console.log(`Temporal at ${connectionOptions.address}, namespace "${namespace}"`);
  const connection = await Connection.connect({ ...connectionOptions, connectTimeout: '5 seconds' });
  try {
    const added = await registerSearchAttributes(connection, namespace);
    console.log(added.length > 0 ? `Registered search attributes: ${added.join(', ')}` : 'Search attributes: all present');
    return 0;
  } catch (error) {
    const commands = setupCommands(namespace);
    console.error(`Could not register the search attributes: ${(error as Error).message}`);
    console.error('On Temporal Cloud, add them with tcld (or in the Cloud UI, Namespaces → Search attributes):');
    console.error(`  ${commands.tcld}`);
    console.error('On a self-hosted cluster, with the Temporal CLI:');
    console.error(commands.cli.replace(/^/gm, '  '));
    return 1;
  } finally {
    await connection.close();
  }
}

process.exitCode = await main();
