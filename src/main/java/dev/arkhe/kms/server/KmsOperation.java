package dev.arkhe.kms.server;

import java.util.Map;

/** One KMS operation: a validated request in, the response members out (written as JSON). */
@FunctionalInterface
interface KmsOperation {

    /**
     * @return the response members; an empty map for operations without output
     * @throws KmsRequestException for every failure the client should see as an AWS error
     */
    Map<String, Object> handle(KmsRequest request) throws KmsRequestException;
}
