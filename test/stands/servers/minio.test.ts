import { serverSuite } from './suite.js';

serverSuite('minio');
