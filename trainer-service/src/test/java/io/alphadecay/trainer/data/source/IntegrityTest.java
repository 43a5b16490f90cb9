package io.alphadecay.trainer.data.source;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import io.alphadecay.trainer.data.DataException;
import io.alphadecay.trainer.data.Hashes;
import io.alphadecay.trainer.data.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IntegrityTest {

    @TempDir
    Path dir;

    @Test
    void acceptsTheExactBytesAndRefusesATamperedCopy() throws Exception {
        byte[] tarball =
                new TestData.Tar().file("package/data/1790_a_b.txt", "text").gzipped();
        String integrity = integrity(tarball);
        Path good = Files.write(dir.resolve("good.tgz"), tarball);
        assertThatCode(() -> Integrity.verify(good, integrity)).doesNotThrowAnyException();

        tarball[tarball.length / 2] ^= 0x20;
        Path tampered = Files.write(dir.resolve("tampered.tgz"), tarball);
        assertThatThrownBy(() -> Integrity.verify(tampered, integrity))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("Refusing tampered.tgz");
    }

    static String integrity(byte[] bytes) {
        return "sha512-"
                + Base64.getEncoder().encodeToString(Hashes.digest("SHA-512").digest(bytes));
    }
}
