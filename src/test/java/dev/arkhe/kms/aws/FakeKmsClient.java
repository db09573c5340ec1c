package dev.arkhe.kms.aws;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DecryptRequest;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.DescribeKeyRequest;
import software.amazon.awssdk.services.kms.model.DescribeKeyResponse;
import software.amazon.awssdk.services.kms.model.EncryptRequest;
import software.amazon.awssdk.services.kms.model.EncryptResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyRequest;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.ReEncryptRequest;
import software.amazon.awssdk.services.kms.model.ReEncryptResponse;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionRequest;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionResponse;

/**
 * A scripted {@link KmsClient}: each operation the backend uses answers through a function
 * the test sets (by default it fails the test), and every request is recorded. Methods the
 * backend does not use keep the interface's default (UnsupportedOperationException).
 */
final class FakeKmsClient implements KmsClient {

    Function<GenerateDataKeyRequest, GenerateDataKeyResponse> generateDataKey = r -> unexpected("GenerateDataKey");
    Function<EncryptRequest, EncryptResponse> encrypt = r -> unexpected("Encrypt");
    Function<DecryptRequest, DecryptResponse> decrypt = r -> unexpected("Decrypt");
    Function<ReEncryptRequest, ReEncryptResponse> reEncrypt = r -> unexpected("ReEncrypt");
    Function<DescribeKeyRequest, DescribeKeyResponse> describeKey = r -> unexpected("DescribeKey");
    Function<ScheduleKeyDeletionRequest, ScheduleKeyDeletionResponse> scheduleKeyDeletion =
            r -> unexpected("ScheduleKeyDeletion");

    final List<Object> requests = Collections.synchronizedList(new ArrayList<>());
    volatile boolean closed;

    /** Makes every operation throw {@code failure}. */
    FakeKmsClient failingWith(RuntimeException failure) {
        generateDataKey = r -> { throw failure; };
        encrypt = r -> { throw failure; };
        decrypt = r -> { throw failure; };
        reEncrypt = r -> { throw failure; };
        describeKey = r -> { throw failure; };
        scheduleKeyDeletion = r -> { throw failure; };
        return this;
    }

    private static <T> T unexpected(String operation) {
        throw new AssertionError("unexpected " + operation + " request");
    }

    @Override
    public GenerateDataKeyResponse generateDataKey(GenerateDataKeyRequest request) {
        requests.add(request);
        return generateDataKey.apply(request);
    }

    @Override
    public EncryptResponse encrypt(EncryptRequest request) {
        requests.add(request);
        return encrypt.apply(request);
    }

    @Override
    public DecryptResponse decrypt(DecryptRequest request) {
        requests.add(request);
        return decrypt.apply(request);
    }

    @Override
    public ReEncryptResponse reEncrypt(ReEncryptRequest request) {
        requests.add(request);
        return reEncrypt.apply(request);
    }

    @Override
    public DescribeKeyResponse describeKey(DescribeKeyRequest request) {
        requests.add(request);
        return describeKey.apply(request);
    }

    @Override
    public ScheduleKeyDeletionResponse scheduleKeyDeletion(ScheduleKeyDeletionRequest request) {
        requests.add(request);
        return scheduleKeyDeletion.apply(request);
    }

    @Override
    public String serviceName() {
        return "kms";
    }

    @Override
    public void close() {
        closed = true;
    }
}
