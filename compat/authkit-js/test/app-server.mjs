// A tiny static server for the test application (app/), on a loopback port
// reached as http://localhost:<port>: the same site as the emulator, which
// the suite also reaches as localhost (what a custom auth domain gives an app).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';

const here = (path) => new URL(path, import.meta.url);
const files = {
  '/': ['text/html', here('../app/index.html')],
  '/callback': ['text/html', here('../app/index.html')],
  '/app.mjs': ['text/javascript', here('../app/app.mjs')],
  // the package's published ESM bundle, byte for byte
  '/authkit-js.mjs': ['text/javascript', here('../node_modules/@workos-inc/authkit-js/dist/index.mjs')],
};

// startApp serves the application configured for one authkit-js mode.
export async function startApp({ emulatorUrl, clientId, devMode }) {
  const api = new URL(emulatorUrl);
  let origin;
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, origin).pathname;
    if (path === '/config.json') {
      const options = { apiHostname: api.hostname, https: false, port: Number(api.port), devMode, redirectUri: `${origin}/callback` };
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ clientId, options }));
      return;
    }
    const file = files[path];
    if (!file) return res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    res.writeHead(200, { 'Content-Type': file[0], 'Cache-Control': 'no-store' }).end(await readFile(file[1]));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://localhost:${server.address().port}`;
  return {
    origin,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}
