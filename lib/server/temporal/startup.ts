/** The web app's start-up check of its Temporal namespace (instrumentation.ts). */
import { temporalClient, temporalConnectConfig } from './connection';
import { warnIfSearchAttributesMissing } from './search-attributes';

export async function checkTemporalAtStart(): Promise<void> {
  try {
    const client = await temporalClient();
    await warnIfSearchAttributesMissing(client.connection, temporalConnectConfig().namespace, (line) => console.warn(`[temporal] ${line}`));
  } catch (error) {
    console.warn(`[temporal] not reachable at start-up (${(error as Error).message}); events are stored and start once it is`);
  }
}
