// `npm run test:rustfs`: the first RustFS build takes hours on two cores (see README), so it stays out of `npm test`.
import { serverSuite } from './suite.js';

serverSuite('rustfs');
