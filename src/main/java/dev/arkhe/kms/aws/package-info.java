/**
 * The AWS KMS backend: {@link dev.arkhe.kms.aws.AwsKmsBackend}, the contract's
 * {@link dev.arkhe.kms.KmsBackend} over the AWS SDK for Java v2, and the package-private mapping
 * of SDK failures to {@link dev.arkhe.kms.KmsException.Reason}s.
 */
package dev.arkhe.kms.aws;
