export declare const CHROME_CANDIDATES: readonly string[];
export declare const CHROME_ARGS: readonly string[];
export declare function findChrome(): string | null;
export declare const INSTALL_HINT: string;
