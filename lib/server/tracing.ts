/**
 * OpenTelemetry traces (docs/operations.md, "Traces"), off unless OTEL_EXPORTER_OTLP_ENDPOINT is set: one
 * trace runs from POST /api/events through the run's workflow and its activities to the outgoing webhook
 * request. The web app starts runs through a client interceptor that puts the trace context into the
 * workflow's headers; the worker's OpenTelemetry plugin continues it in the workflow and its activities;
 * sendRequest adds a span for the HTTP request and, when the integration asks for it, a `traceparent`
 * header. With tracing off, no provider is registered and every span is the API's no-op.
 *
 * This module needs only @opentelemetry/api; the SDK is set up by lib/server/tracing-setup.ts.
 */
import { context, INVALID_SPAN_CONTEXT, propagation, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';

const ON = Symbol.for('hookflow.tracing');

/** Whether this process exports traces (tracing-setup.ts started them). */
export function tracingOn(): boolean {
  return (globalThis as { [ON]?: boolean })[ON] === true;
}

/** Called once the tracer provider is registered. */
export function markTracingOn(): void {
  (globalThis as { [ON]?: boolean })[ON] = true;
}

const tracer = () => trace.getTracer('hookflow');

/** Runs `work` in a span named `name` (no-op with tracing off); an exception marks the span failed. */
export async function inSpan<T>(name: string, attributes: Record<string, string | number>, work: (span: Span) => Promise<T>, kind: SpanKind = SpanKind.INTERNAL): Promise<T> {
  return tracer().startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** An API request's span, `POST /api/events`; a `traceparent` the caller sent becomes its parent. */
export function serverSpan<T>(request: Request, route: string, work: (span: Span) => Promise<T>): Promise<T> {
  if (!tracingOn()) return work(trace.wrapSpanContext(INVALID_SPAN_CONTEXT));
  const parent = propagation.extract(context.active(), Object.fromEntries(request.headers));
  return context.with(parent, () => inSpan(`${request.method} ${route}`, { 'http.request.method': request.method, 'http.route': route }, work, SpanKind.SERVER));
}

/** The W3C `traceparent` of the current span, or null outside a recorded trace. */
export function currentTraceparent(): string | null {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ?? null;
}

export { SpanKind, SpanStatusCode };
