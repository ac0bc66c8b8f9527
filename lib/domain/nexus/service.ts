/**
 * The `hookflow` Nexus service (docs/plugin.md): defined once, here, with nexus-rpc. Hookflow's worker
 * plugin serves it; callers' workflows import it (`hookflow/nexus`) for createNexusServiceClient. Only
 * nexus-rpc and types, so it is safe in any workflow bundle.
 */
import * as nexus from 'nexus-rpc';
import type { GetRunInput, GetRunOutput, StartFlowInput, StartFlowOutput, TriggerEventInput, TriggerEventOutput } from './schemas';

export type { GetRunInput, GetRunOutput, StartFlowInput, StartFlowOutput, TriggerEventInput, TriggerEventOutput };

/** The endpoint `npm start` and `npm run temporal:setup` create, pointing at Hookflow's task queue. */
export const HOOKFLOW_NEXUS_ENDPOINT = 'hookflow';

export const hookflowService = nexus.service('hookflow', {
  /** POST /api/events through Nexus: same input, same dedup by event id; answers the runs it started. */
  triggerEvent: nexus.operation<TriggerEventInput, TriggerEventOutput>(),
  /** Runs one published flow for one customer; completes with the run's result. */
  startFlow: nexus.operation<StartFlowInput, StartFlowOutput>(),
  /** A run's status, path and webhook outcomes so far. */
  getRun: nexus.operation<GetRunInput, GetRunOutput>(),
});
