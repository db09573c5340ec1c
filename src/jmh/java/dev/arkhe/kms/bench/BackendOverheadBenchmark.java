package dev.arkhe.kms.bench;

import dev.arkhe.kms.DataKey;
import dev.arkhe.kms.Dek;
import dev.arkhe.kms.EncryptionContext;
import dev.arkhe.kms.KekRef;
import dev.arkhe.kms.KmsException;
import dev.arkhe.kms.aws.AwsKmsBackend;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DecryptRequest;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.EncryptRequest;
import software.amazon.awssdk.services.kms.model.EncryptResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyRequest;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;

/**
 * The backend's own cost per call, without network noise: AwsKmsBackend over an in-memory
 * {@link KmsClient} stub beside the same stub called directly with the same requests. The
 * difference is what the backend adds (checks, copies, wiping, DekId) to every real KMS call.
 *
 * <p>Run: {@code mvn -B -Pbench verify -Djmh.args="-f 1 -wi 3 -w 1s -i 5 -r 1s BackendOverhead"}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BackendOverheadBenchmark {

    private static final String ARN = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    private static final EncryptionContext CTX = EncryptionContext.of(Map.of("tenant", "bench"));

    private final byte[] material = new byte[32];
    private final byte[] blob = new byte[184]; // the size of a real KMS blob for a 32-byte key
    private KmsClient stub;
    private AwsKmsBackend backend;
    private KekRef kek;
    private Dek dek;
    private SdkBytes materialBytes;
    private SdkBytes blobBytes;

    @Setup(Level.Trial)
    public void setUp() {
        new java.security.SecureRandom().nextBytes(material);
        new java.security.SecureRandom().nextBytes(blob);
        stub = new StubClient();
        backend = AwsKmsBackend.wrapping(stub);
        kek = KekRef.of(ARN);
        dek = Dek.of(material);
        materialBytes = SdkBytes.fromByteArray(material);
        blobBytes = SdkBytes.fromByteArray(blob);
    }

    @Benchmark
    public DataKey backendGenerate() throws KmsException {
        return backend.generateDek(kek, CTX);
    }

    @Benchmark
    public GenerateDataKeyResponse stubGenerate() {
        return stub.generateDataKey(r -> r.keyId(ARN).keySpec(DataKeySpec.AES_256).encryptionContext(CTX.asMap()));
    }

    @Benchmark
    public byte[] backendWrap() throws KmsException {
        return backend.wrapDek(dek, kek, CTX);
    }

    @Benchmark
    public EncryptResponse stubWrap() {
        return stub.encrypt(r -> r.keyId(ARN).plaintext(materialBytes).encryptionContext(CTX.asMap()));
    }

    @Benchmark
    public Dek backendUnwrap() throws KmsException {
        return backend.unwrapDek(blob, kek, CTX);
    }

    @Benchmark
    public DecryptResponse stubUnwrap() {
        return stub.decrypt(r -> r.keyId(ARN).ciphertextBlob(blobBytes).encryptionContext(CTX.asMap()));
    }

    /** Answers like KMS would, from fresh buffers each time (as an SDK response has). */
    private final class StubClient implements KmsClient {
        @Override
        public GenerateDataKeyResponse generateDataKey(GenerateDataKeyRequest request) {
            return GenerateDataKeyResponse.builder().keyId(ARN).plaintext(SdkBytes.fromByteArray(material))
                    .ciphertextBlob(SdkBytes.fromByteArray(blob)).build();
        }

        @Override
        public EncryptResponse encrypt(EncryptRequest request) {
            return EncryptResponse.builder().keyId(ARN).ciphertextBlob(SdkBytes.fromByteArray(blob)).build();
        }

        @Override
        public DecryptResponse decrypt(DecryptRequest request) {
            return DecryptResponse.builder().keyId(ARN).plaintext(SdkBytes.fromByteArray(material)).build();
        }

        @Override
        public String serviceName() {
            return "kms";
        }

        @Override
        public void close() {
        }
    }
}
