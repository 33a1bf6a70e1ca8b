// Applies the stored theme (light | dark | auto) before the first paint. Kept tiny and dependency-free;
// src/lib/stores/theme.svelte.ts takes over once the app starts.
(function () {
  var pref = 'auto';
  try {
    var stored = localStorage.getItem('sandpod.theme');
    if (stored === 'light' || stored === 'dark' || stored === 'auto') pref = stored;
  } catch (e) {
    // Storage blocked: follow the system.
  }
  var dark = pref === 'dark';
  if (pref === 'auto') {
    try {
      dark = window.matchMedia('(prefers-color-scheme: dark)').matches;
    } catch (e) {
      dark = false;
    }
  }
  var root = document.documentElement;
  root.setAttribute('data-theme', dark ? 'dark' : 'light');
  root.setAttribute('data-theme-preference', pref);
  root.style.colorScheme = dark ? 'dark' : 'light';
})();
