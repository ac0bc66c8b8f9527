/**
 * Temporal connection settings come from @temporalio/envconfig (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
 * TEMPORAL_API_KEY, TEMPORAL_TLS_*, or a TOML profile), with Hookflow's local defaults.
 */
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { loadSettings } from '../config';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import { tracingOn } from '../tracing';

export function temporalConnectConfig() {
  const settings = loadSettings();
  const config = loadClientConnectConfig();
  return {
    connectionOptions: { ...config.connectionOptions, address: config.connectionOptions.address ?? `localhost:${settings.TEMPORAL_GRPC_PORT}` },
    namespace: config.namespace ?? settings.TEMPORAL_NAMESPACE,
    taskQueue: settings.HOOKFLOW_TASK_QUEUE,
  };
}

const globalForTemporal = globalThis as unknown as { hookflowTemporal?: Promise<Client> };

/**
 * The web app answers events within about 2 s even when Temporal is down: connecting gives up after 1.5 s,
 * and a call to an unreachable server is retried twice within half a second instead of for about 19 s
 * (the SDK's default). A slow but reachable server is waited for.
 */
const FAIL_FAST = {
  connectTimeout: '1.5 seconds',
  interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 3, initialIntervalMs: () => 100, maxIntervalMs: () => 400 }))],
};

/** One client per process. A failed connect is not cached, so the next call tries again. */
export function temporalClient(): Promise<Client> {
  if (!globalForTemporal.hookflowTemporal) {
    const { connectionOptions, namespace } = temporalConnectConfig();
    // With tracing on, starting a run carries the request's trace context into the workflow's headers.
    const interceptors = tracingOn() ? { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } : undefined;
    const pending = Connection.connect({ ...connectionOptions, ...FAIL_FAST }).then((connection) => new Client({ connection, namespace, interceptors }));
    pending.catch(() => {
      if (globalForTemporal.hookflowTemporal === pending) globalForTemporal.hookflowTemporal = undefined;
    });
    globalForTemporal.hookflowTemporal = pending;
  }
  return globalForTemporal.hookflowTemporal;
}
