// Transient database conflicts: a PostgreSQL deadlock or serialization failure, or SQLite busy past its timeout. The
// whole transaction is rolled back by the database, so running it again from the start is safe.
const TRANSIENT = new Set(['40P01', '40001', 'SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT']);

export function isTransientConflict(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  return TRANSIENT.has(code);
}

/** Runs `work` (one whole transaction) again after a transient conflict, up to `attempts` times in all. */
export async function retryTransient<T>(work: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !isTransientConflict(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.floor(Math.random() * 20 * attempt)));
    }
  }
}
