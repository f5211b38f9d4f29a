/** Shown while a tab's stored bank session is being checked, instead of the sign-in form. */
export function ResumingPanel() {
  return (
    <div className="panel panel--quiet panel--narrow" aria-busy="true">
      <p className="empty-state">Signing you back in…</p>
    </div>
  );
}
