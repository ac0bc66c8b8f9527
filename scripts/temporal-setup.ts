/**
 * `npm run temporal:setup`: prepares a Temporal namespace for Hookflow — registers Hookflow's search
 * attributes and creates the Nexus endpoint (HOOKFLOW_NEXUS_ENDPOINT, `hookflow`) pointing at Hookflow's
 * task queue, through the operator service. Connects like the worker does (TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, TLS and API keys through @temporalio/envconfig). Safe to run again.
 */
import { Connection } from '@temporalio/client';
import { temporalConnectConfig } from '../lib/server/temporal/connection';
import { registerSearchAttributes, setupCommands } from '../lib/server/temporal/search-attributes';
import { ensureNexusEndpoint, nexusEndpointCommand } from '../lib/server/temporal/nexus-endpoint';
import { loadSettings } from '../lib/server/config';

/**
 * The Nexus endpoint of the `hookflow` service (docs/plugin.md). Only callers' workflows need it, so a server
 * that cannot have it (Nexus disabled, no permission) is told how, and Hookflow itself still starts.
 */
async function setupNexusEndpoint(connection: Connection, namespace: string, taskQueue: string): Promise<void> {
  const target = { name: loadSettings().HOOKFLOW_NEXUS_ENDPOINT, namespace, taskQueue };
  try {
    const done = await ensureNexusEndpoint(connection, target);
    console.log(`Nexus endpoint "${target.name}" → ${namespace}/${taskQueue}: ${done}`);
  } catch (error) {
    console.warn(`Could not create the Nexus endpoint "${target.name}": ${(error as Error).message}`);
    console.warn('Hookflow runs without it, but your workflows cannot call its Nexus service until it exists. Create it with the');
    console.warn('Temporal CLI (on Temporal Cloud: tcld nexus endpoint create, or the Cloud UI):');
    console.warn(`  ${nexusEndpointCommand(target)}`);
  }
}

async function setupSearchAttributes(connection: Connection, namespace: string): Promise<number> {
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
  }
}

async function main(): Promise<number> {
  const { connectionOptions, namespace, taskQueue } = temporalConnectConfig();
  console.log(`Temporal at ${connectionOptions.address}, namespace "${namespace}"`);
  const connection = await Connection.connect({ ...connectionOptions, connectTimeout: '5 seconds' });
  try {
    const attributes = await setupSearchAttributes(connection, namespace);
    await setupNexusEndpoint(connection, namespace, taskQueue);
    return attributes;
  } finally {
    await connection.close();
  }
}

process.exitCode = await main();
