// `npm start`: will run the local mesh (`skein demo`). Until the local-mesh work lands it says so.
console.log('skein: the local mesh (`skein demo`) is not built yet; see the issues for its plan.');
console.log('skein: meanwhile, `npm test` builds and tests every package.');
