package dev.arkhe.kms.server;

import static dev.arkhe.kms.server.LocalKmsServerHardeningTest.json;
import static dev.arkhe.kms.server.LocalKmsServerHardeningTest.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.arkhe.kms.KekRef;
import dev.arkhe.kms.local.LocalKmsBackend;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A marker stays usable when its own entry disappears between two pages. */
class LocalKmsServerPaginationTest {

    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

    @TempDir
    Path dir;

    private LocalKmsBackend open(Instant now) throws Exception {
        return LocalKmsBackend.builder(dir).clock(Clock.fixed(now, ZoneOffset.UTC)).pendingWindowDays(7).build();
    }

    private static List<Object> names(Map<?, ?> page, String member, String field) {
        List<Object> out = new ArrayList<>();
        for (Object e : (List<?>) page.get(member)) {
            out.add(((Map<?, ?>) e).get(field));
        }
        return out;
    }

    @Test
    void listAliasesResumesAfterTheMarkerAliasWasDeleted() throws Exception {
        try (LocalKmsBackend backend = open(T0); LocalKmsServer server = LocalKmsServer.start(backend, 0)) {
            KekRef key = backend.createKey("paging");
            backend.createAlias("alias/page/b", key);
            backend.createAlias("alias/page/a", key);
            backend.createAlias("alias/page/c", key);
            Map<?, ?> first = json(post(server.endpoint(), "ListAliases", "{\"Limit\":1}"));
            assertThat(names(first, "Aliases", "AliasName")).containsExactly("alias/page/a");
            assertThat(first.get("NextMarker")).isEqualTo("alias/page/a");
            assertThat(post(server.endpoint(), "DeleteAlias", "{\"AliasName\":\"alias/page/a\"}").statusCode())
                    .isEqualTo(200);
            HttpResponse<String> next = post(server.endpoint(), "ListAliases", "{\"Marker\":\"alias/page/a\"}");
            assertThat(next.statusCode()).isEqualTo(200);
            assertThat(names(json(next), "Aliases", "AliasName")).containsExactly("alias/page/b", "alias/page/c");
            HttpResponse<String> bogus = post(server.endpoint(), "ListAliases", "{\"Marker\":\"not an alias!\"}");
            assertThat(json(bogus).get("__type")).isEqualTo("InvalidMarkerException");
        }
    }

    @Test
    void listKeysResumesAfterTheMarkerKeyWasPurged() throws Exception {
        String marker;
        try (LocalKmsBackend backend = open(T0); LocalKmsServer server = LocalKmsServer.start(backend, 0)) {
            for (int i = 0; i < 3; i++) {
                backend.createKey("k" + i);
            }
            Map<?, ?> first = json(post(server.endpoint(), "ListKeys", "{\"Limit\":1}"));
            marker = (String) first.get("NextMarker");
            assertThat(names(first, "Keys", "KeyId")).containsExactly(marker);
            backend.deleteKey(KekRef.of(marker));
        }
        try (LocalKmsBackend backend = open(T0.plus(Duration.ofDays(8)))) {
            // Opening the store after the deletion date erased the key already.
            assertThat(backend.listKeys()).hasSize(2).noneMatch(k -> k.arn().endsWith("/" + marker));
            assertThat(backend.purgeExpired()).isZero();
            try (LocalKmsServer server = LocalKmsServer.start(backend, 0)) {
                HttpResponse<String> next = post(server.endpoint(), "ListKeys", "{\"Marker\":\"" + marker + "\"}");
                assertThat(next.statusCode()).isEqualTo(200);
                List<Object> rest = names(json(next), "Keys", "KeyId");
                assertThat(rest).hasSize(2).doesNotContain(marker);
                assertThat(rest).allSatisfy(id -> assertThat((String) id).isGreaterThan(marker));
                HttpResponse<String> bogus = post(server.endpoint(), "ListKeys", "{\"Marker\":\"bogus\"}");
                assertThat(json(bogus).get("__type")).isEqualTo("InvalidMarkerException");
            }
        }
    }
}
