import { Link } from '../lib/router.tsx';
import { useTitle } from '../lib/use-title.ts';

export function NotFoundPage() {
  useTitle('Not found');
  return (
    <section className="page">
      <h1>Nothing here</h1>
      <p>This page does not exist. It may have moved, or the link is mistyped.</p>
      <p>
        <Link to="/">Back to your notes</Link>
      </p>
    </section>
  );
}
