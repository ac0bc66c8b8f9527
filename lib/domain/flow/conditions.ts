/**
 * Branch conditions and the one pure function that evaluates them. The interpreter workflow and the canvas
 * preview both call `evaluateCondition`, so it must stay deterministic and free of I/O.
 */

export type FieldOperator = 'eq' | 'neq' | 'contains' | 'exists' | 'not_exists' | 'gt' | 'lt' | 'gte' | 'lte' | 'matches';
type Scalar = string | number | boolean;

export type Condition =
  | { kind: 'webhook'; webhook: string; outcome: 'succeeded' | 'failed' }
  | { kind: 'status'; webhook: string; op: 'eq'; value: number }
  | { kind: 'status'; webhook: string; op: 'in_range'; min: number; max: number }
  | { kind: 'field'; path: string; op: FieldOperator; value?: Scalar }
  | { kind: 'group'; combinator: 'and' | 'or'; conditions: Condition[] };

const MAX_REGEX_INPUT = 10_000;

/** Reads a dotted path (`Webhooks.crm.Fields.tier`, `Event.Data.items.0.sku`) from own properties only. */
export function readPath(context: unknown, path: string): unknown {
  let current: unknown = context;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function asNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

function looselyEqual(actual: unknown, expected: Scalar | undefined): boolean {
  if (expected === undefined) return actual === undefined || actual === null;
  if (typeof expected === 'number') return asNumber(actual) === expected;
  if (typeof expected === 'boolean') return actual === expected || String(actual) === String(expected);
  return actual !== undefined && actual !== null && String(actual) === expected;
}

function compareField(actual: unknown, op: FieldOperator, expected: Scalar | undefined): boolean {
  switch (op) {
    case 'exists':
      return actual !== undefined && actual !== null && actual !== '';
    case 'not_exists':
      return actual === undefined || actual === null || actual === '';
    case 'eq':
      return looselyEqual(actual, expected);
    case 'neq':
      return !looselyEqual(actual, expected);
    case 'contains':
      if (Array.isArray(actual)) return actual.some((item) => looselyEqual(item, expected));
      if (typeof actual === 'string') return expected !== undefined && actual.includes(String(expected));
      return false;
    case 'gt':
    case 'lt':
    case 'gte':
    case 'lte': {
      const a = asNumber(actual);
      const b = asNumber(expected);
      if (a === null || b === null) return false;
      return op === 'gt' ? a > b : op === 'lt' ? a < b : op === 'gte' ? a >= b : a <= b;
    }
    case 'matches': {
      if (actual === undefined || actual === null || typeof expected !== 'string') return false;
      try {
        return new RegExp(expected).test(String(actual).slice(0, MAX_REGEX_INPUT));
      } catch {
        return false;
      }
    }
  }
}

export function evaluateCondition(condition: Condition, context: unknown): boolean {
  switch (condition.kind) {
    case 'group':
      return condition.combinator === 'and'
        ? condition.conditions.every((c) => evaluateCondition(c, context))
        : condition.conditions.some((c) => evaluateCondition(c, context));
    case 'webhook': {
      const ok = readPath(context, `Webhooks.${condition.webhook}.Ok`);
      return condition.outcome === 'succeeded' ? ok === true : ok === false;
    }
    case 'status': {
      const status = asNumber(readPath(context, `Webhooks.${condition.webhook}.Status`));
      if (status === null) return false;
      return condition.op === 'eq' ? status === condition.value : status >= condition.min && status <= condition.max;
    }
    case 'field':
      return compareField(readPath(context, condition.path), condition.op, condition.value);
  }
}

/** System names of the webhooks a condition reads. */
export function conditionWebhooks(condition: Condition): string[] {
  switch (condition.kind) {
    case 'group':
      return condition.conditions.flatMap(conditionWebhooks);
    case 'webhook':
    case 'status':
      return [condition.webhook];
    case 'field': {
      const match = /^Webhooks\.([A-Za-z][A-Za-z0-9_]*)(\.|$)/.exec(condition.path);
      return match ? [match[1]!] : [];
    }
  }
}
