package io.alphadecay.esd.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import io.alphadecay.esd.support.EsdTestBase;
import org.junit.jupiter.api.Test;

/**
 * Mutates the golden checkpoint 1,200 ways and posts each over HTTP: the service answers every one with a
 * result or a client error (never a 5xx, never a hang) and stays healthy.
 */
class FuzzTest extends EsdTestBase {

    private static final int CASES = 1200;

    @Test
    void mutatedCheckpointsNeverCauseServerErrors() {
        byte[] golden = golden();
        int headerEnd = 8 + 960;
        Random random = new Random(20251126);
        Map<Integer, Integer> statuses = new HashMap<>();
        for (int i = 0; i < CASES; i++) {
            byte[] mutated = mutate(golden, headerEnd, random, i % 8);
            Response response = post("?report=false", mutated);
            assertThat(response.status())
                    .as("case %d (strategy %d): %s", i, i % 8, response.body())
                    .isIn(200, 400, 413, 422);
            if (response.status() != 200) {
                assertThat(response.raw().headers().firstValue("Content-Type").orElse(""))
                        .startsWith("application/problem+json");
            }
            statuses.merge(response.status(), 1, Integer::sum);
        }
        // The mutations must exercise both outcomes, or the test proves little.
        assertThat(statuses.getOrDefault(200, 0)).isGreaterThan(50);
        assertThat(statuses.getOrDefault(400, 0) + statuses.getOrDefault(422, 0))
                .isGreaterThan(300);
        assertThat(get("/actuator/health", null).body()).contains("\"status\":\"UP\"");
        assertThat(post("?report=false", golden).status()).isEqualTo(200);
    }

    private static byte[] mutate(byte[] golden, int headerEnd, Random random, int strategy) {
        byte[] copy = golden.clone();
        switch (strategy) {
            case 0 -> { // flip bits inside the JSON header
                for (int k = 0; k < 1 + random.nextInt(4); k++) {
                    int at = 8 + random.nextInt(headerEnd - 8);
                    copy[at] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 1 -> { // overwrite bytes anywhere, data included
                for (int k = 0; k < 1 + random.nextInt(32); k++) {
                    copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
                }
            }
            case 2 -> copy = Arrays.copyOf(golden, random.nextInt(golden.length));
            case 3 -> { // a random header length
                long length = random.nextInt(4) == 0 ? random.nextLong() : random.nextInt(2000);
                for (int b = 0; b < 8; b++) {
                    copy[b] = (byte) (length >>> (8 * b));
                }
            }
            case 4 -> { // change one number in the header text
                String header = new String(golden, 8, headerEnd - 8, StandardCharsets.ISO_8859_1);
                int digit = indexOfDigit(header, random.nextInt(header.length()));
                if (digit >= 0) {
                    copy[8 + digit] = (byte) ('0' + random.nextInt(10));
                }
            }
            case 5 -> { // extra bytes at the end
                copy = Arrays.copyOf(golden, golden.length + 1 + random.nextInt(64));
            }
            case 6 -> { // pure noise of a random size
                copy = new byte[random.nextInt(4096)];
                random.nextBytes(copy);
            }
            default -> { // a tensor's values replaced by NaN, Inf or huge numbers (F32 region of k_proj)
                int start = headerEnd + 93184 + 4 * random.nextInt(4096);
                int bits = switch (random.nextInt(3)) {
                    case 0 -> Float.floatToRawIntBits(Float.NaN);
                    case 1 -> Float.floatToRawIntBits(Float.POSITIVE_INFINITY);
                    default -> Float.floatToRawIntBits(3e38f);
                };
                for (int b = 0; b < 4; b++) {
                    copy[start + b] = (byte) (bits >>> (8 * b));
                }
            }
        }
        return copy;
    }

    private static int indexOfDigit(String text, int from) {
        for (int i = 0; i < text.length(); i++) {
            int at = (from + i) % text.length();
            if (Character.isDigit(text.charAt(at))) {
                return at;
            }
        }
        return -1;
    }
}
