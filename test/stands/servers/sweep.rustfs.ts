// `npm run test:rustfs`: the sweep with all three servers, RustFS included.
import { matrixSuite } from './matrix.js';

matrixSuite(['minio', 'seaweedfs', 'rustfs']);
