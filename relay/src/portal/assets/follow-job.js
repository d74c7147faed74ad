// Follows an on-demand sync job to its end: asks the portal for the job's status every second and puts it in place,
// until the status says it is final. Without script the page reloads itself instead (a <noscript> refresh).
const POLL_MS = 1000;

const region = document.querySelector('[data-follow-src]');
if (region) {
  const source = region.getAttribute('data-follow-src');
  const stopFollowing = () => {
    clearInterval(timer);
    document.getElementById('job-following')?.remove();
  };
  const poll = async () => {
    try {
      const response = await fetch(source, { headers: { accept: 'text/html' }, credentials: 'same-origin' });
      if (response.status === 401) {
        stopFollowing();
        region.insertAdjacentText('afterend', 'Your session has ended: sign in again to see how the job ended.');
        return;
      }
      if (!response.ok) return;
      // The fragment is rendered by the server, which escapes everything it shows.
      region.innerHTML = await response.text();
      if (region.querySelector('[data-final]')) stopFollowing();
    } catch {
      // The relay may be restarting: the next tick tries again.
    }
  };
  const timer = setInterval(poll, POLL_MS);
}
