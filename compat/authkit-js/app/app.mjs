// The application under test: the page an authkit-js user writes. It loads
// the package's own ESM bundle (served unchanged from node_modules) and
// creates the client with the options the test server hands out in
// /config.json (the emulator's host and port, the redirect URI, devMode).
// The test drives it through window.authkit.
import { createClient } from '/authkit-js.mjs';

const status = document.getElementById('status');
const { clientId, options } = await (await fetch('/config.json')).json();
window.authkit = await createClient(clientId, options);
status.textContent = window.authkit.getUser() ? 'signed in' : 'signed out';
status.dataset.ready = 'true';
