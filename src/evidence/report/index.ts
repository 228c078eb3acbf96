// report: a receipts file → a review a person can read (self-contained HTML) or a machine can
// check (JSON, optionally signed). Reads receipts; decides nothing.
export { summarizeReceipts, ReportBuilder, MAX_KEYS, type ReportData } from './summarize.ts';
export { renderHtml, esc } from './html.ts';
export { signReport, verifySignedReport, type SignedReport } from './sign.ts';
export { CATEGORY_MAP, MITRE_NAMES, OWASP_LLM, OWASP_AGENTIC, frameworksFor, type FrameworkEntry } from './mapping.ts';
