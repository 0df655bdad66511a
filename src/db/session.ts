/** The few SQL operations every part of MindStorm needs, the same on PGlite and PostgreSQL. */
export interface SqlSession {
  /** One parameterised statement; rows as plain objects. */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** One parameterised statement; rows as arrays of values in column order (for Drizzle). */
  queryArrays(text: string, params?: unknown[]): Promise<unknown[][]>;
  /** Several statements without parameters (migration files). */
  exec(text: string): Promise<void>;
  /**
   * Runs fn inside one transaction: committed when fn resolves, rolled back when it throws. `begin`
   * holds statements without parameters that open it, sent with BEGIN in one round trip.
   * `oneStatement` promises that fn sends a single statement (a second one throws), and `begin` is
   * then one statement too: on PostgreSQL both go in one round trip, with no BEGIN or COMMIT of their
   * own (client.ts, AfterBegin).
   */
  transaction<T>(fn: (tx: SqlSession) => Promise<T>, opts?: TransactionOptions): Promise<T>;
}

export interface TransactionOptions {
  begin?: string;
  oneStatement?: boolean;
}
