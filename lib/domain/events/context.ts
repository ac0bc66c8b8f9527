/**
 * The template context roots `Customer` and `Event` (docs/templates.md). Customer attributes are
 * available as sent and in PascalCase (`email` → `Customer.Email`, `first_name` → `Customer.FirstName`).
 */
export function pascalCase(key: string): string {
  return key
    .split(/[_\-\s]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

export function customerContext(externalId: string, attributes: Record<string, unknown>): Record<string, unknown> {
  const context: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (key === 'id') continue;
    context[key] = value;
  }
  for (const [key, value] of Object.entries(attributes)) {
    const alias = pascalCase(key);
    if (alias && !(alias in context)) context[alias] = value;
  }
  context.Id = externalId;
  return context;
}

export function eventContext(event: { id: string; type: string; data: unknown; occurredAt: Date; context?: unknown }): {
  Id: string;
  Type: string;
  Data: Record<string, unknown>;
  OccurredAt: string;
  /** Segment's context (page, device, library, ...), for events from the Segment-compatible API */
  Context?: Record<string, unknown>;
} {
  const base = { Id: event.id, Type: event.type, Data: (event.data ?? {}) as Record<string, unknown>, OccurredAt: event.occurredAt.toISOString() };
  return event.context && typeof event.context === 'object' ? { ...base, Context: event.context as Record<string, unknown> } : base;
}
