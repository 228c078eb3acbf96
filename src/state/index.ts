// state: bounded per-session and per-key state behind small interfaces (fragment buffers,
// rate limits, per-domain budgets, the kill switch, agent names). In-memory implementations
// first; every structure has an explicit bound.
export { createRateLimiter, type RateLimiter } from './rate-limit.ts';
export { createApprovalStore, MAX_LISTED as MAX_LISTED_APPROVALS, type ApprovalOutcome, type ApprovalStore, type ApprovalStoreOptions, type ApprovalSubject, type HeldApproval, type PendingApproval } from './approvals.ts';
export { createKillSwitch, type KillSwitch, type KillSwitchState, type KillSource, type KillSwitchListener } from './kill-switch.ts';
export { createBudgets, type Budgets, type BudgetLimits, type BudgetScope, type BudgetCost, type BudgetResult } from './budgets.ts';
export { registrableDomain } from './domain.ts';
export { createAgentNames, type AgentNames, type AgentAdmission } from './agent-names.ts';
