/**
 * The AWS SDK and the Smithy pieces faultline uses, loaded when first used (see
 * core/lazy-module.ts): `--help` and `validate` never talk S3. Import the values from here;
 * types straight from the packages (`import type` costs nothing at run time).
 */
import type * as S3 from '@aws-sdk/client-s3';
import type * as Http from '@smithy/node-http-handler';
import type * as Sig from '@smithy/signature-v4';
import { lazyModule } from '../core/lazy-module.js';

export const s3Sdk = lazyModule<typeof S3>('@aws-sdk/client-s3');
export const httpHandler = lazyModule<typeof Http>('@smithy/node-http-handler');
const signature = lazyModule<typeof Sig>('@smithy/signature-v4');

export const S3Client = s3Sdk.value('S3Client');
export type S3Client = S3.S3Client;
export const AbortMultipartUploadCommand = s3Sdk.value('AbortMultipartUploadCommand');
export const CompleteMultipartUploadCommand = s3Sdk.value('CompleteMultipartUploadCommand');
export const CreateBucketCommand = s3Sdk.value('CreateBucketCommand');
export const CopyObjectCommand = s3Sdk.value('CopyObjectCommand');
export const GetBucketVersioningCommand = s3Sdk.value('GetBucketVersioningCommand');
export const ListObjectVersionsCommand = s3Sdk.value('ListObjectVersionsCommand');
export const PutBucketVersioningCommand = s3Sdk.value('PutBucketVersioningCommand');
export const CreateMultipartUploadCommand = s3Sdk.value('CreateMultipartUploadCommand');
export const DeleteBucketCommand = s3Sdk.value('DeleteBucketCommand');
export const DeleteObjectCommand = s3Sdk.value('DeleteObjectCommand');
export const GetObjectCommand = s3Sdk.value('GetObjectCommand');
export const HeadBucketCommand = s3Sdk.value('HeadBucketCommand');
export const HeadObjectCommand = s3Sdk.value('HeadObjectCommand');
export const ListBucketsCommand = s3Sdk.value('ListBucketsCommand');
export const ListMultipartUploadsCommand = s3Sdk.value('ListMultipartUploadsCommand');
export const ListObjectsV2Command = s3Sdk.value('ListObjectsV2Command');
export const PutObjectCommand = s3Sdk.value('PutObjectCommand');
export const UploadPartCommand = s3Sdk.value('UploadPartCommand');

export const SignatureV4 = signature.value('SignatureV4');

/** Before a run on a stand with S3: the stall of loading the SDK happens here, not inside a timed step. */
export async function loadS3Sdk(): Promise<void> {
  await Promise.all([s3Sdk.load(), httpHandler.load()]);
}
