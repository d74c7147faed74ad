export declare const SOURCE_DIRS: readonly string[];
export declare function sourceFiles(root: string): string[];
export declare function sourceFingerprint(root: string): string;
export declare function distIsCurrent(root: string): boolean;
