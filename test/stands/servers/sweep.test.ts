import { matrixSuite } from './matrix.js';

matrixSuite(['minio', 'seaweedfs']);
