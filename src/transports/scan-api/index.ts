// scan-api: the HTTP scan API (POST /api/v1/scan) over the engine: bearer token, body limit,
// per-token rate limit, deadline. A transport: it enforces, it never decides.
export { createAdminHandler, createScanApi, verdictJson, type ScanApiOptions } from './app.ts';
export { healthOnlyHandler, type NodeHandler } from './node-handler.ts';
export { startScanApi, parseListen, type ListeningServer } from './server.ts';
export { approvalsHandler, createApprovalsApi, startApprovalsApi } from './approvals-server.ts';
