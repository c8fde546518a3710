/**
 * The layers of src/, top to bottom (docs/architecture.md): a folder imports only folders below it.
 * Folders on one line form one layer and may not import each other. `npm run check` runs this.
 */
const LAYERS = [
  ['cli'],
  ['server'],
  ['services'],
  ['control'],
  ['mlops'],
  ['inference'],
  ['backends'],
  ['resilience', 'access', 'cache'],
  ['registry'],
  ['model'],
  ['store'],
  ['observability'],
  ['config', 'protocol'],
  ['errors', 'random'],
];

const folder = (name) => `^src/${name}/`;
const layerRules = LAYERS.flatMap((layer, index) => layer.map((name) => {
  const higher = LAYERS.slice(0, index).flat();
  const siblings = layer.filter((other) => other !== name);
  return {
    name: `layer-${name}`,
    comment: `src/${name} may import only the layers below it (not ${[...higher, ...siblings].join(', ')})`,
    severity: 'error',
    from: { path: folder(name) },
    to: { path: `^src/(${[...higher, ...siblings].join('|')})/` },
  };
})).filter((rule) => !rule.to.path.includes('()'));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'no-circular',
      comment: 'no import cycles between modules',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'transports-stay-in-server',
      comment: 'only src/server (and the cli that starts it) speaks fastify and gRPC; below it, the kserve backend\'s gRPC client alone',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(server|cli)/|^src/backends/kserve/kserve-grpc-client\\.ts$|^src/protocol/kserve/grpc-client-codec\\.ts$' },
      to: { path: 'node_modules/(fastify|@fastify/|@grpc/grpc-js|@grpc/proto-loader)' },
    },
    {
      name: 'server-code-never-imports-tests',
      comment: 'test support (fakes, contract suites, the fault upstream) is not part of the server',
      severity: 'error',
      from: { path: '^(src|bin)/', pathNot: '\\.test\\.ts$' },
      to: { path: '^test/|\\.test\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(dist|node_modules)/' },
  },
};
