package dev.arkhe.kms.server;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One parsed KMS request: the operation name and its JSON members, with typed accessors that
 * enforce the member constraints of the service model.
 *
 * <p>As AWS does, a member whose value is JSON {@code null} counts as absent and unknown
 * members are ignored (newer clients send members older servers do not know). A value of the
 * wrong JSON type is a {@code SerializationException}; a value of the right type that breaks
 * a length, range or enum constraint, or a missing required member, is a
 * {@code ValidationException} whose message follows AWS's wording
 * ({@code 1 validation error detected: Value at 'keyId' failed to satisfy constraint: ...}).
 */
final class KmsRequest {

    private final String operation;
    private final Map<String, Object> members;

    KmsRequest(String operation, Map<String, Object> members) {
        this.operation = operation;
        this.members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
    }

    /** The operation name, e.g. {@code Encrypt}. */
    String operation() {
        return operation;
    }

    /** Whether the member is present with a non-null value. */
    boolean has(String member) {
        return members.get(member) != null;
    }

    /** A string member of length {@code min..max}; null when absent and not required. */
    String string(String member, int min, int max, boolean required) throws KmsRequestException {
        Object v = members.get(member);
        if (v == null) {
            return missing(member, required);
        }
        if (!(v instanceof String s)) {
            throw wrongType(member, "a string", v);
        }
        int length = s.codePointCount(0, s.length());
        checkLength(member, length, min, max);
        return s;
    }

    /** A KeyId-type member (1 to 2048 characters). */
    String keyId(String member, boolean required) throws KmsRequestException {
        return string(member, 1, 2048, required);
    }

    /** A string member that must be one of {@code allowed}; null when absent. */
    String enumValue(String member, Set<String> allowed, boolean required) throws KmsRequestException {
        String s = string(member, 0, Integer.MAX_VALUE, required);
        if (s != null && !allowed.contains(s)) {
            throw constraint(member, s, "Member must satisfy enum value set: " + allowed);
        }
        return s;
    }

    /** A Base64 blob member of {@code min..max} decoded bytes; null when absent and not required. */
    byte[] blob(String member, int min, int max, boolean required) throws KmsRequestException {
        Object v = members.get(member);
        if (v == null) {
            missing(member, required);
            return null;
        }
        if (!(v instanceof String s)) {
            throw wrongType(member, "a Base64 string", v);
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw KmsRequestException.serialization("Value of '" + wireName(member) + "' is not valid Base64");
        }
        if (bytes.length < min) {
            throw constraint(member, null, "Member must have length greater than or equal to " + min);
        }
        if (bytes.length > max) {
            throw constraint(member, null, "Member must have length less than or equal to " + max);
        }
        return bytes;
    }

    /** An integer member in {@code min..max}; null when absent. */
    Integer integer(String member, int min, int max) throws KmsRequestException {
        Object v = members.get(member);
        if (v == null) {
            return null;
        }
        if (!(v instanceof BigDecimal d)) {
            throw wrongType(member, "an integer", v);
        }
        int i;
        try {
            i = d.intValueExact();
        } catch (ArithmeticException e) {
            throw KmsRequestException.serialization("Value " + d + " of '" + wireName(member)
                    + "' cannot be converted to a 32-bit integer");
        }
        if (i < min) {
            throw constraint(member, i, "Member must have value greater than or equal to " + min);
        }
        if (i > max) {
            throw constraint(member, i, "Member must have value less than or equal to " + max);
        }
        return i;
    }

    /** A boolean member; null when absent. */
    Boolean bool(String member) throws KmsRequestException {
        Object v = members.get(member);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Boolean b)) {
            throw wrongType(member, "a boolean", v);
        }
        return b;
    }

    /** An encryption context (a map of strings to strings); empty when absent. */
    Map<String, String> stringMap(String member) throws KmsRequestException {
        Object v = members.get(member);
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?> map)) {
            throw wrongType(member, "an object of strings", v);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getValue() instanceof String value)) {
                throw wrongType(member + "." + e.getKey(), "a string", e.getValue());
            }
            String key = (String) e.getKey();
            if (key.isEmpty()) {
                throw constraint(member, null, "Map keys must have length greater than or equal to 1");
            }
            out.put(key, value);
        }
        return out;
    }

    /** A list of strings with at most {@code maxItems} items, each {@code min..max} long; empty when absent. */
    List<String> stringList(String member, int maxItems, int min, int max) throws KmsRequestException {
        Object v = members.get(member);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            throw wrongType(member, "a list of strings", v);
        }
        if (list.size() > maxItems) {
            throw constraint(member, null, "Member must have length less than or equal to " + maxItems);
        }
        List<String> out = new ArrayList<>(list.size());
        for (Object o : list) {
            if (!(o instanceof String s)) {
                throw wrongType(member, "a list of strings", o);
            }
            checkLength(member, s.codePointCount(0, s.length()), min, max);
            out.add(s);
        }
        return List.copyOf(out);
    }

    /** The GrantTokens member: at most 10 tokens of 1 to 8192 characters. */
    List<String> grantTokens() throws KmsRequestException {
        return stringList("GrantTokens", 10, 1, 8192);
    }

    // ---------------------------------------------------------------- errors

    private static <T> T missing(String member, boolean required) throws KmsRequestException {
        if (required) {
            throw constraint(member, null, "Member must not be null");
        }
        return null;
    }

    private static void checkLength(String member, int length, int min, int max) throws KmsRequestException {
        if (length < min) {
            throw constraint(member, null, "Member must have length greater than or equal to " + min);
        }
        if (length > max) {
            throw constraint(member, null, "Member must have length less than or equal to " + max);
        }
    }

    /**
     * AWS's validation wording. Values are echoed only for enums and integers (short and not
     * secret); strings and blobs may be long or sensitive, so they are left out.
     */
    private static KmsRequestException constraint(String member, Object shownValue, String rule) {
        String value = shownValue == null ? "" : " '" + shownValue + "'";
        return KmsRequestException.validation("1 validation error detected: Value" + value + " at '"
                + wireName(member) + "' failed to satisfy constraint: " + rule);
    }

    private static KmsRequestException wrongType(String member, String expected, Object actual) {
        return KmsRequestException.serialization("Value of '" + wireName(member) + "' must be " + expected
                + ", got " + jsonType(actual));
    }

    private static String jsonType(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String) {
            return "a string";
        }
        if (v instanceof BigDecimal) {
            return "a number";
        }
        if (v instanceof Boolean) {
            return "a boolean";
        }
        if (v instanceof Map) {
            return "an object";
        }
        return "an array";
    }

    /** AWS names members in validation messages with a lower-case first letter: {@code keyId}. */
    private static String wireName(String member) {
        return member.isEmpty() ? member : Character.toLowerCase(member.charAt(0)) + member.substring(1);
    }
}
