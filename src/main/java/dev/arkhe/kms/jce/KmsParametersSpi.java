package dev.arkhe.kms.jce;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.ByteArrayInputStream;
import java.security.AlgorithmParametersSpi;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.InvalidParameterSpecException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code AlgorithmParameters.KmsKeyWrap}: carries a {@link KmsParameterSpec} so that
 * {@code Cipher.getParameters()} can return the spec in use. The encoding (used by
 * {@code getEncoded()}) is: pair count, each key and value as modified UTF-8 with a 2-byte
 * length, then token count and each grant token the same way.
 */
final class KmsParametersSpi extends AlgorithmParametersSpi {

    private KmsParameterSpec spec;

    @Override
    protected void engineInit(AlgorithmParameterSpec paramSpec) throws InvalidParameterSpecException {
        if (!(paramSpec instanceof KmsParameterSpec kmsSpec)) {
            throw new InvalidParameterSpecException("KmsKeyWrap parameters take a KmsParameterSpec");
        }
        spec = kmsSpec;
    }

    @Override
    protected void engineInit(byte[] params) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(params))) {
            Map<String, String> context = new LinkedHashMap<>();
            int pairs = in.readInt();
            for (int i = 0; i < pairs; i++) {
                context.put(in.readUTF(), in.readUTF());
            }
            List<String> tokens = new ArrayList<>();
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                tokens.add(in.readUTF());
            }
            if (in.read() != -1) {
                throw new IOException("trailing bytes after KmsKeyWrap parameters");
            }
            spec = new KmsParameterSpec(context, tokens);
        } catch (EOFException | IllegalArgumentException e) {
            throw new IOException("malformed KmsKeyWrap parameters", e);
        }
    }

    @Override
    protected void engineInit(byte[] params, String format) throws IOException {
        engineInit(params);
    }

    @Override
    protected <T extends AlgorithmParameterSpec> T engineGetParameterSpec(Class<T> paramSpec)
            throws InvalidParameterSpecException {
        if (paramSpec.isAssignableFrom(KmsParameterSpec.class)) {
            return paramSpec.cast(spec);
        }
        throw new InvalidParameterSpecException("KmsKeyWrap parameters are a KmsParameterSpec, not "
                + paramSpec.getName());
    }

    @Override
    protected byte[] engineGetEncoded() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(spec.encryptionContext().size());
            for (Map.Entry<String, String> e : spec.encryptionContext().entrySet()) {
                out.writeUTF(e.getKey());
                out.writeUTF(e.getValue());
            }
            out.writeInt(spec.grantTokens().size());
            for (String token : spec.grantTokens()) {
                out.writeUTF(token);
            }
        }
        return bytes.toByteArray();
    }

    @Override
    protected byte[] engineGetEncoded(String format) throws IOException {
        return engineGetEncoded();
    }

    @Override
    protected String engineToString() {
        return String.valueOf(spec);
    }
}
