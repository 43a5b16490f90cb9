package io.alphadecay.esd;

import static org.assertj.core.api.Assertions.assertThat;

import io.alphadecay.esd.support.EsdTestBase;
import org.junit.jupiter.api.Test;

class EsdServiceApplicationTest extends EsdTestBase {

    @Test
    void healthIsOpenAndNothingElseIsExposed() {
        assertThat(get("/actuator/health", null).body()).contains("\"status\":\"UP\"");
        assertThat(get("/actuator/health/readiness", null).status()).isEqualTo(200);
        assertThat(get("/actuator/env", OPERATOR_TOKEN).status()).isEqualTo(404);
        assertThat(get("/actuator/env", null).status()).isEqualTo(401);
    }
}
