export declare const ROOT: string;
export declare const DIST_ENTRY: string;
export declare function distState(root?: string, outdir?: string): 'missing' | 'stale' | 'fresh';
