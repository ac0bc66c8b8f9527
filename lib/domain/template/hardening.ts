/**
 * Replaces the Nunjucks runtime hooks that compiled templates use for lookups, calls and loops, so that a
 * template only ever sees own data properties of plain JSON values, can call only SAFE_GLOBALS, and stays
 * within a budget of loop iterations, output and time. Installed once per process by the engine.
 */
import nunjucks from 'nunjucks';

/** Property and variable names no template may read: the ways from data to code. */
export const FORBIDDEN_NAMES = new Set([
  'constructor',
  '__proto__',
  'prototype',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
  'caller',
  'callee',
  'arguments',
  'apply',
  'call',
  'bind',
  'valueOf',
  'toString',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
]);


export interface RenderLimits {
  maxIterations: number;
  maxOutputBytes: number;
  maxMillis: number;
}

export const DEFAULT_LIMITS: RenderLimits = { maxIterations: 100_000, maxOutputBytes: 1_000_000, maxMillis: 250 };

const MAX_RANGE = 10_000;

function range(start: number, stop?: number, step = 1): number[] {
  if (stop === undefined) [start, stop] = [0, start];
  if (![start, stop, step].every(Number.isFinite) || step === 0) throw new Error('range() needs finite numbers and a non-zero step');
  const out: number[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) {
    if (out.length >= MAX_RANGE) throw new Error(`range() is limited to ${MAX_RANGE} items`);
    out.push(i);
  }
  return out;
}

/** The only functions a template can call. Null prototype: no inherited names resolve. */
export const SAFE_GLOBALS: Record<string, unknown> = Object.assign(Object.create(null) as object, { range });
const callable = new Set<unknown>([range]);

interface Budget {
  limits: RenderLimits;
  iterations: number;
  deadline: number;
}
let budget: Budget | null = null;

export function checkTime(): void {
  if (budget && Date.now() > budget.deadline) throw new Error(`Template took longer than ${budget.limits.maxMillis} ms to render`);
}

export function withRenderBudget<T>(limits: Partial<RenderLimits> | undefined, render: () => T): T {
  const full = { ...DEFAULT_LIMITS, ...limits };
  const previous = budget;
  budget = { limits: full, iterations: 0, deadline: Date.now() + full.maxMillis };
  try {
    return render();
  } finally {
    budget = previous;
  }
}

function isIndex(key: unknown): boolean {
  return typeof key === 'number' || (typeof key === 'string' && /^\d+$/.test(key));
}

function safeMemberLookup(obj: unknown, key: unknown): unknown {
  if (obj === null || obj === undefined) return undefined;
  const name = String(key);
  if (FORBIDDEN_NAMES.has(name)) return undefined;
  if (typeof obj === 'string') {
    if (name === 'length') return obj.length;
    return isIndex(key) ? obj[Number(key)] : undefined;
  }
  if (typeof obj !== 'object') return undefined;
  if (Array.isArray(obj) && name === 'length') return obj.length;
  if (!Object.prototype.hasOwnProperty.call(obj, name)) return undefined;
  const value = (obj as Record<string, unknown>)[name];
  return typeof value === 'function' ? undefined : value;
}

interface Runtime {
  memberLookup: (obj: unknown, key: unknown) => unknown;
  callWrap: (fn: unknown, name: string, context: unknown, args: unknown[]) => unknown;
  contextOrFrameLookup: (context: { ctx: Record<string, unknown> }, frame: { lookup(name: string): unknown }, name: string) => unknown;
  fromIterator: (arr: unknown) => unknown;
}

let installed = false;

export function installHardenedRuntime(): void {
  if (installed) return;
  installed = true;
  const runtime = (nunjucks as unknown as { runtime: Runtime }).runtime;
  const originalFromIterator = runtime.fromIterator;

  runtime.memberLookup = safeMemberLookup;

  runtime.callWrap = (fn, name, context, args) => {
    if (!callable.has(fn)) {
      const called = /([A-Za-z_$][\w$]*)"?\]?$/.exec(name)?.[1] ?? name;
      throw new Error(`Calling functions such as "${called}()" is not allowed in templates; use a filter instead, e.g. {{ value | upper }}`);
    }
    return (fn as (...a: unknown[]) => unknown).apply(context, args);
  };

  runtime.contextOrFrameLookup = (context, frame, name) => {
    if (FORBIDDEN_NAMES.has(name)) return undefined;
    const local = frame.lookup(name);
    if (local !== undefined && typeof local !== 'function') return local;
    if (Object.prototype.hasOwnProperty.call(context.ctx, name)) {
      const value = context.ctx[name];
      return typeof value === 'function' ? undefined : value;
    }
    return SAFE_GLOBALS[name];
  };

  runtime.fromIterator = (arr) => {
    const result = originalFromIterator(arr);
    if (budget) {
      const size = Array.isArray(result) ? result.length : result && typeof result === 'object' ? Object.keys(result).length : 0;
      budget.iterations += size;
      if (budget.iterations > budget.limits.maxIterations) {
        throw new Error(`Template loops ran more than ${budget.limits.maxIterations} iterations`);
      }
      checkTime();
    }
    return result;
  };
}
