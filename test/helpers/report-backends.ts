// Vitest global setup: says in plain words whether the PostgreSQL half of the suite runs.
export default function setup(): () => void {
  const line = process.env.TEST_DATABASE_URL
    ? 'Database tests run on PGlite and on the PostgreSQL server of TEST_DATABASE_URL.'
    : 'Database tests run on PGlite only; the PostgreSQL half was NOT RUN because TEST_DATABASE_URL is not set.';
  console.log(line);
  return () => console.log(line);
}
