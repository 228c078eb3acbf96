// core: the shared types, error codes and small pure helpers every layer uses.
// It must never import anything else from src/.
export * from './types.ts';
export * from './errors.ts';
export * from './redact.ts';
export * from './decision.ts';
export * from './secret-ref.ts';
export * from './names.ts';
