/** Next.js calls register() once when the web app starts: checks that need the server's Node runtime. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  // Traces (docs/operations.md), only when OTEL_EXPORTER_OTLP_ENDPOINT is set; before any Temporal client exists.
  const { startTracingFromEnv } = await import('./lib/server/tracing-setup');
  startTracingFromEnv('hookflow-web');
  const { checkTemporalAtStart } = await import('./lib/server/temporal/startup');
  void checkTemporalAtStart();
}
