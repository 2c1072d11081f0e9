/** A dismissable line under the header: an error, or a notice such as "the engine was restarted". */
export function ErrorBanner({
  message,
  onDismiss,
  tone = 'error',
  testId = 'error',
}: {
  message: string;
  onDismiss: () => void;
  tone?: 'error' | 'notice';
  testId?: string;
}) {
  return (
    <div className={tone === 'error' ? 'error-banner' : 'error-banner notice-banner'} role="alert" data-testid={testId}>
      <span className="error-text">{message}</span>
      <button type="button" className="link-button" onClick={onDismiss} aria-label={tone === 'error' ? 'Dismiss error' : 'Dismiss notice'}>
        Dismiss
      </button>
    </div>
  );
}
