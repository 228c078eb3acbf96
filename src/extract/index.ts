// extract: turns a ScanInput into located segments (URL parts, headers, JSON leaves, form
// fields, multipart parts, HTML hidden text, tool fields), once per input, for every scanner.
// Pure and bounded: limits become findings, never exceptions. Knows no scanner.
export { extract, headerValue, type Extraction, type ExtractOptions } from './extract.ts';
export { isInertHeader, isImfFixdate } from './inert-headers.ts';
export { DEFAULT_EXTRACT_LIMITS, type ExtractLimits } from './limits.ts';
export { splitUrl, hostName } from './url-parts.ts';
export { parseMediaType } from './body.ts';
