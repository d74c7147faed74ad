// The portal's one script, an enhancement: without it every page works, and shows its figures as of loading. With
// it a live region (the overview's figures, a running initial synchronisation) refreshes every few seconds
// (`data-live-interval` ms) while the tab is visible, and stops when the session has ended (the server answers
// 401) with a link to sign in again.
const REFRESH_MS = 5000;

const live = document.querySelector('[data-live-src]');
if (live) {
  const source = live.getAttribute('data-live-src');
  const interval = Number(live.getAttribute('data-live-interval')) || REFRESH_MS;
  let timer;
  const refresh = async () => {
    // Not while someone is on a control inside it (the Cancel button): replacing it would lose their place.
    if (document.hidden || live.contains(document.activeElement)) return;
    try {
      const response = await fetch(source, { headers: { accept: 'text/html' }, credentials: 'same-origin' });
      if (response.status === 401) {
        clearInterval(timer);
        const notice = document.createElement('p');
        notice.className = 'notice error';
        notice.setAttribute('role', 'alert');
        notice.append('Your session has ended. ');
        const link = document.createElement('a');
        link.href = '/login?next=%2F';
        link.textContent = 'Sign in again';
        notice.append(link);
        live.before(notice);
        return;
      }
      // The fragment is rendered by the server, which escapes everything it shows.
      if (response.ok) live.innerHTML = await response.text();
    } catch {
      // The relay may be restarting: the next tick tries again.
    }
  };
  timer = setInterval(refresh, interval);
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) void refresh();
  });
}
