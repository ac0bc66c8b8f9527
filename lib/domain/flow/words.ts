/**
 * Branch conditions and waits in words, as the canvas shows them on their steps: "Tier is gold",
 * "crm lookup failed", "Wait 2 hours". Pure; `webhookName` turns a system name into the webhook's name.
 */
import type { Condition, FieldOperator } from './conditions';

const OPERATOR_WORDS: Record<FieldOperator, string> = {
  eq: 'is',
  neq: 'is not',
  contains: 'contains',
  exists: 'is set',
  not_exists: 'is not set',
  gt: 'is more than',
  gte: 'is at least',
  lt: 'is less than',
  lte: 'is at most',
  matches: 'matches',
};

/** `first_name` / `FirstName` → "first name" */
function words(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** `Customer.Tier` → "tier", `Event.Data.total` → "event total", `Webhooks.crm.Fields.tier` → "crm lookup tier". */
function describePath(path: string, webhookName: (systemName: string) => string): string {
  const parts = path.split('.');
  const [root, second, third, ...rest] = parts;
  if (root === 'Customer' && second) return words([second, third, ...rest].filter(Boolean).join(' '));
  if (root === 'Event' && second === 'Data' && third) return `event ${words([third, ...rest].join(' '))}`;
  if (root === 'Event' && second) return `event ${words(second)}`;
  if (root === 'Webhooks' && second) {
    const name = webhookName(second);
    if (third === 'Fields' && rest.length) return `${name} ${words(rest.join(' '))}`;
    if (third === 'Status') return `${name} status`;
    if (third === 'Ok') return `${name} succeeded`;
    return [name, ...[third, ...rest].filter((p): p is string => Boolean(p)).map(words)].join(' ');
  }
  return words(parts.join(' '));
}

function describeValue(value: unknown): string {
  if (value === undefined || value === '') return '(empty)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function describeCondition(condition: Condition, webhookName: (systemName: string) => string = (s) => s): string {
  switch (condition.kind) {
    case 'webhook':
      return `${webhookName(condition.webhook)} ${condition.outcome}`;
    case 'status':
      return condition.op === 'eq'
        ? `${webhookName(condition.webhook)} status is ${condition.value}`
        : `${webhookName(condition.webhook)} status is ${condition.min}–${condition.max}`;
    case 'field': {
      const subject = describePath(condition.path, webhookName);
      const op = OPERATOR_WORDS[condition.op] ?? condition.op;
      return condition.op === 'exists' || condition.op === 'not_exists' ? `${subject} ${op}` : `${subject} ${op} ${describeValue(condition.value)}`;
    }
    case 'group': {
      if (condition.conditions.length === 0) return condition.combinator === 'and' ? 'always' : 'never';
      const joined = condition.conditions.map((c) => describeCondition(c, webhookName)).join(condition.combinator === 'and' ? ' and ' : ' or ');
      return condition.conditions.length > 1 ? `(${joined})` : joined;
    }
  }
}

/** A condition as the first words of a sentence: "Tier is gold". */
export function conditionSentence(condition: Condition, webhookName?: (systemName: string) => string): string {
  return capitalize(describeCondition(condition, webhookName).replace(/^\((.*)\)$/, '$1'));
}

const UNITS = [
  { name: 'day', seconds: 86_400 },
  { name: 'hour', seconds: 3_600 },
  { name: 'minute', seconds: 60 },
  { name: 'second', seconds: 1 },
] as const;

export function durationInWords(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return 'choose how long';
  const unit = UNITS.find((u) => seconds % u.seconds === 0) ?? UNITS[3];
  const amount = seconds / unit.seconds;
  return `${Number.isInteger(amount) ? amount : amount.toFixed(1)} ${unit.name}${amount === 1 ? '' : 's'}`;
}
