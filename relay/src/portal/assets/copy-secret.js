// The copy button of a secret shown once (Named Credentials): without script the secret is selectable text and the
// button stays hidden; with it, the button copies the secret and says so. Where the clipboard is refused, the secret
// is selected instead, for the keyboard's copy.
for (const button of document.querySelectorAll('[data-copy-target]')) {
  const target = document.getElementById(button.getAttribute('data-copy-target'));
  const status = button.parentElement.querySelector('.copy-status');
  if (!target) continue;
  button.hidden = false;
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(target.textContent.trim());
      status.textContent = 'Copied.';
    } catch {
      const range = document.createRange();
      range.selectNodeContents(target);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      status.textContent = 'Selected: press Ctrl+C (or ⌘C) to copy.';
    }
  });
}
