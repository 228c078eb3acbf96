// Large JSON documents of ordinary shape, generated deterministically: an npm full packument (every
// version repeats the same keys and most of the same values, as the registry's do).

const hex = (i: number, n: number) => Array.from({ length: n }, (_, k) => '0123456789abcdef'[(i * 7 + k * 13 + ((i * k) % 11)) % 16]).join('');
const deps = Object.fromEntries(['accepts', 'body-parser', 'content-disposition', 'cookie', 'debug', 'etag', 'finalhandler', 'fresh', 'http-errors', 'mime-types', 'on-finished', 'qs', 'router', 'send', 'serve-static', 'statuses', 'type-is', 'vary'].map((d, k) => [d, `^${k % 4}.${k % 7}.0`]));
const people = [{ name: 'dougwilson', email: 'doug@somethingdoug.com' }, { name: 'wesleytodd', email: 'wes@wesleytodd.com' }];
export function packument(n: number): string {
  const versions: Record<string, unknown> = {};
  const time: Record<string, string> = {};
  for (let i = 0; i < n; i++) {
    const v = `${Math.floor(i / 100)}.${Math.floor(i / 10) % 10}.${i % 10}`;
    versions[v] = {
      name: 'express', version: v, description: 'Fast, unopinionated, minimalist web framework', license: 'MIT', homepage: 'https://expressjs.com/',
      keywords: ['express', 'framework', 'sinatra', 'web', 'http', 'rest', 'restful', 'router', 'app', 'api'],
      repository: { type: 'git', url: 'git+https://github.com/expressjs/express.git' }, bugs: { url: 'https://github.com/expressjs/express/issues' },
      dependencies: deps, devDependencies: { mocha: '^11.7.5', supertest: '^6.3.0', nyc: '^17.1.0', eslint: '8.47.0' }, engines: { node: '>= 18' },
      scripts: { lint: 'eslint .', test: 'mocha --require test/support/env --reporter spec --check-leaks test/ test/acceptance/' },
      gitHead: hex(i, 40), _id: `express@${v}`, _nodeVersion: '18.19.0', _npmVersion: '10.2.3', _npmUser: people[i % 2], maintainers: people,
      dist: { shasum: hex(i + 1, 40), tarball: `https://registry.npmjs.org/express/-/express-${v}.tgz`, fileCount: 16, unpackedSize: 197_000 + i },
    };
    time[v] = new Date(Date.UTC(2014, 0, 1) + i * 86_400_000).toISOString();
  }
  return JSON.stringify({ _id: 'express', name: 'express', 'dist-tags': { latest: '2.9.9' }, versions, time, maintainers: people, license: 'MIT' });
}
