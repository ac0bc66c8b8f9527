/**
 * The OpenTelemetry SDK for a process (docs/operations.md, "Traces"): a tracer provider that sends spans to
 * the OTLP/HTTP endpoint of OTEL_EXPORTER_OTLP_ENDPOINT, or to a span processor of the caller's (tests).
 */
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { markTracingOn } from './tracing';

export interface Tracing {
  provider: NodeTracerProvider;
  spanProcessor: SpanProcessor;
  resource: Resource;
}

const KEY = Symbol.for('hookflow.tracing.sdk');
const store = globalThis as { [KEY]?: Tracing };

/**
 * Registers the process's tracer provider, once: spans go to `spanProcessor`, by default batched to the
 * OTLP/HTTP endpoint of OTEL_EXPORTER_OTLP_ENDPOINT (the exporter reads it and the other
 * OTEL_EXPORTER_OTLP_* settings itself). OTEL_SERVICE_NAME overrides `serviceName`.
 */
export function startTracing(serviceName: string, spanProcessor?: SpanProcessor): Tracing {
  const existing = store[KEY];
  if (existing) return existing;
  const resource = new Resource({ 'service.name': process.env.OTEL_SERVICE_NAME ?? serviceName });
  const processor = spanProcessor ?? new BatchSpanProcessor(new OTLPTraceExporter());
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  provider.register();
  const tracing = { provider, spanProcessor: processor, resource };
  store[KEY] = tracing;
  markTracingOn();
  return tracing;
}

/** Tracing from the environment: started when OTEL_EXPORTER_OTLP_ENDPOINT is set, else nothing. */
export function startTracingFromEnv(serviceName: string, env: NodeJS.ProcessEnv = process.env): Tracing | null {
  return env.OTEL_EXPORTER_OTLP_ENDPOINT ? startTracing(serviceName) : null;
}
