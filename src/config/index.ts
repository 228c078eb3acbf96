// config: the zod schema of a Tollgate config, YAML loading with line:column errors, and the
// presets shipped in the package. Knows nothing of transports; never starts anything.
export * from './schema.ts';
export { parseConfig, loadConfigFile, defaultConfig, configHash, ConfigError, DEFAULT_PRESET, type ConfigChecks, type ConfigIssue, type LoadedConfig, type ParseOptions } from './load.ts';
export { PRESET_NAMES, readPresetText, presetSummary, PRESET_DIR } from './presets.ts';
export { configJsonSchema } from './json-schema.ts';
