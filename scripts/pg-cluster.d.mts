export declare const INSTALL_HINT: string;
export declare function findPostgresBin(): string | null;
export interface Cluster {
  host: string;
  port: number;
  /** The URL of its `postgres` database (user `postgres`, no password). */
  url: string;
  urlOf(database: string): string;
  createDatabase(name: string): Promise<string>;
  /** Stops the server (fast shutdown: open connections are cut), keeping its data. */
  stopServer(): Promise<void>;
  /** Starts the server again on the same port, after `stopServer`. */
  startServer(): Promise<void>;
  /** Freezes the server and its backends (SIGSTOP): connections stay open and nothing answers, as on a hung host. */
  freeze(): void;
  /** Lets a frozen server run again (SIGCONT). */
  thaw(): void;
  /** Stops the server and removes the cluster. */
  stop(): Promise<void>;
}
export declare function startCluster(options?: {
  fast?: boolean;
  settings?: Record<string, string | number>;
}): Promise<Cluster>;
