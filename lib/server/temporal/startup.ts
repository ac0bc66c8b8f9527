/** The web app's start-up check of its Temporal namespace (instrumentation.ts). */
import { temporalClient, temporalConnectConfig } from './connection';
import { warnIfSearchAttributesMissing } from './search-attributes';
import { log } from '../log';

export async function checkTemporalAtStart(): Promise<void> {
  try {
    const client = await temporalClient();
    await warnIfSearchAttributesMissing(client.connection, temporalConnectConfig().namespace, (line) => log().warn({ component: 'temporal' }, line));
  } catch (error) {
    log().warn({ component: 'temporal', err: error }, 'Temporal is not reachable at start-up; events are stored and their runs start once it is');
  }
}
