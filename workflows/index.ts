// Everything the worker registers as workflows. Deterministic code only.
export { customerFlow } from './customerFlow';
export { rateLimiter } from './rateLimiter';
export { logRetention } from './logRetention';
