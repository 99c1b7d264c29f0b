import { serverSuite } from './suite.js';

serverSuite('seaweedfs');
